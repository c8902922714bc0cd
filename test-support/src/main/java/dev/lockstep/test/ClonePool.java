package dev.lockstep.test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Clones of one template made ahead of time in this JVM, so a test class takes a ready database
 * instead of waiting for {@code CREATE DATABASE}: each clone taken is replaced in the background
 * while the test runs. The server does the same work; the test no longer waits for it.
 *
 * <p>One background thread fills every pool, one clone at a time, so the pools never compete
 * with the tests for more than one core of the server. Clones still in a pool when the JVM
 * exits are dropped by a shutdown hook; a JVM that is killed leaves them, like a killed test
 * leaves its clone (README, Testing).
 */
final class ClonePool {

    static final String SIZE_PROPERTY = "lockstep.test.pool-size";
    static final String SIZE_VARIABLE = "LOCKSTEP_TEST_POOL_SIZE";
    static final int DEFAULT_SIZE = 2;

    private static final Logger LOG = Logger.getLogger(TemplateDatabase.class.getName());
    private static final Map<String, ClonePool> POOLS = new ConcurrentHashMap<>();
    private static final ExecutorService FILLER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "lockstep-test clone pool");
        thread.setDaemon(true);
        return thread;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ClonePool::dropAll, "lockstep-test clone pool cleanup"));
    }

    private final int size;
    private final Supplier<ClonedDatabase> cloneNow;
    private final Deque<ClonedDatabase> ready = new ArrayDeque<>();
    private int filling;
    private boolean closed;

    private ClonePool(int size, Supplier<ClonedDatabase> cloneNow) {
        this.size = size;
        this.cloneNow = cloneNow;
    }

    /** The JVM's pool for {@code key} (server, template and strategy), made on first use. */
    static ClonePool of(String key, int size, Supplier<ClonedDatabase> cloneNow) {
        return POOLS.computeIfAbsent(key + " pool " + size, k -> new ClonePool(size, cloneNow));
    }

    /** The pool size the user configured: system property, else environment variable, else 2. */
    static int configuredSize() {
        String property = System.getProperty(SIZE_PROPERTY);
        String variable = System.getenv(SIZE_VARIABLE);
        String value = property != null ? property : variable;
        if (value == null || value.isBlank()) {
            return DEFAULT_SIZE;
        }
        String source = property != null ? "System property " + SIZE_PROPERTY : "Environment variable " + SIZE_VARIABLE;
        try {
            int size = Integer.parseInt(value.trim());
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + " is '" + value + "': give the number of clones to keep ready "
                + "for the next tests, e.g. 2, or 0 to clone only when a test asks");
    }

    /** A ready clone if there is one, else one cloned now; either way the pool is refilled behind it. */
    ClonedDatabase take() {
        ClonedDatabase clone;
        synchronized (this) {
            clone = ready.poll();
        }
        if (clone == null) {
            clone = cloneNow.get(); // before refilling, so the refill does not slow this test's own clone
        }
        refill();
        return clone;
    }

    /** Fills the pool and waits until it is full: to start a suite with clones ready. */
    void fill() {
        refill();
        awaitFiller();
    }

    /** Stops refilling, waits for a clone being made, and drops the clones no test took. */
    void closeAndDrop() {
        POOLS.values().remove(this);
        List<ClonedDatabase> left = close();
        awaitFiller();
        left.forEach(ClonedDatabase::drop);
    }

    private static void awaitFiller() {
        try {
            FILLER.submit(() -> { }).get(); // runs after every task queued before it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private synchronized void refill() {
        while (!closed && ready.size() + filling < size) {
            filling++;
            FILLER.execute(this::fillOne);
        }
    }

    private void fillOne() {
        try {
            ClonedDatabase clone = closed() ? null : cloneNow.get();
            if (clone != null && !offer(clone)) {
                clone.drop();
            }
        } catch (RuntimeException e) {
            // The next take() clones in the test's own thread and reports the problem there.
            LOG.log(Level.FINE, "Could not make a clone ahead of time", e);
        } finally {
            synchronized (this) {
                filling--;
            }
        }
    }

    private synchronized boolean closed() {
        return closed;
    }

    private synchronized boolean offer(ClonedDatabase clone) {
        if (closed) {
            return false;
        }
        ready.add(clone);
        return true;
    }

    private synchronized List<ClonedDatabase> close() {
        closed = true;
        List<ClonedDatabase> left = new ArrayList<>(ready);
        ready.clear();
        return left;
    }

    /** At JVM exit: lets a clone being made finish, then drops every clone no test took. */
    private static void dropAll() {
        List<ClonedDatabase> left = new ArrayList<>();
        POOLS.values().forEach(pool -> left.addAll(pool.close()));
        FILLER.shutdown();
        try {
            FILLER.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ClonedDatabase clone : left) {
            try {
                clone.drop();
            } catch (RuntimeException e) {
                // The server may be stopping too (the embedded one has its own hook); nothing to keep.
            }
        }
    }
}
