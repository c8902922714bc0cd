package dev.lockstep.core.internal.fleet;

import dev.lockstep.core.TenantState;
import dev.lockstep.core.TenantStatus;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one wave of tenants, at most {@code parallelism} at once. With {@code stopOnFailure}, the
 * first failure starts no further tenant (those in flight finish; the rest stay pending). An
 * interrupt of the calling thread (the application shutting down) does the same and interrupts the
 * runs in flight, which stop after their migration in flight and unlock.
 */
public final class Waves {

    private static final AtomicInteger FLEETS = new AtomicInteger();

    private final int parallelism;
    private final String name;

    public Waves(int parallelism, String name) {
        this.parallelism = parallelism;
        this.name = name;
    }

    /**
     * @param migrate runs one tenant and says how it ended; never throws
     * @return whether every tenant of the wave was migrated
     */
    public boolean run(List<String> tenants, Function<String, TenantStatus> migrate, boolean stopOnFailure)
            throws InterruptedException {
        if (tenants.isEmpty()) {
            return true;
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean allMigrated = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, tenants.size()), threads());
        try {
            List<Future<?>> runs = tenants.stream().<Future<?>>map(tenant -> pool.submit(() -> {
                if (stop.get()) {
                    return;
                }
                TenantStatus status = migrate.apply(tenant);
                if (status.state() != TenantState.MIGRATED) {
                    allMigrated.set(false);
                    if (stopOnFailure) {
                        stop.set(true);
                    }
                }
            })).toList();
            for (Future<?> run : runs) {
                try {
                    run.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    allMigrated.set(false); // migrate never throws; an Error ends up here
                }
            }
            return allMigrated.get();
        } catch (InterruptedException e) {
            stop.set(true);
            pool.shutdownNow();
            throw e;
        } finally {
            pool.shutdown();
        }
    }

    private ThreadFactory threads() {
        int fleet = FLEETS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "lockstep-" + name + "-" + fleet + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
