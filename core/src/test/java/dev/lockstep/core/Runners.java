package dev.lockstep.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Starts several runners at the same moment, each on its own thread, and collects what each did. */
public final class Runners {

    /** What one runner's {@code migrate()} returned or threw. */
    record Outcome(MigrationReport report, Throwable error) {
        int appliedCount() {
            return report == null ? 0 : report.applied().size();
        }
    }

    private final ExecutorService threads;
    private final List<Future<Outcome>> futures = new ArrayList<>();
    private final CountDownLatch finished;

    private Runners(int count) {
        this.threads = Executors.newFixedThreadPool(count);
        this.finished = new CountDownLatch(count);
    }

    /** Starts {@code count} runners released together by one gate; {@code engine.apply(i)} builds runner i. */
    public static Runners start(int count, IntFunction<Lockstep> engine) {
        Runners runners = new Runners(count);
        CountDownLatch gate = new CountDownLatch(1);
        for (int i = 0; i < count; i++) {
            Lockstep lockstep = engine.apply(i);
            runners.futures.add(runners.threads.submit(() -> {
                gate.await();
                try {
                    return new Outcome(lockstep.migrate(), null);
                } catch (RuntimeException | Error e) {
                    return new Outcome(null, e);
                } finally {
                    runners.finished.countDown();
                }
            }));
        }
        gate.countDown();
        return runners;
    }

    /** Runs {@code count} runners at once and waits for all of them. */
    public static List<Outcome> runAll(int count, IntFunction<Lockstep> engine) {
        return start(count, engine).await(Duration.ofMinutes(2));
    }

    /** How many runners have returned or thrown so far. */
    public long finishedCount() {
        return futures.size() - finished.getCount();
    }

    /** Waits up to {@code timeout} for a runner to finish; false if none did. */
    public boolean awaitAnyFinished(Duration timeout) throws InterruptedException {
        long before = finished.getCount();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (finished.getCount() == before && System.nanoTime() < deadline) {
            if (finished.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return finished.getCount() != before;
    }

    /** Waits for every runner, failing the test past the deadline. */
    public List<Outcome> await(Duration deadline) {
        List<Outcome> outcomes = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        try {
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return outcomes;
        } catch (TimeoutException e) {
            throw new AssertionError("Runners still running after " + deadline + ": " + finishedCount() + " of "
                    + futures.size() + " finished", e);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            threads.shutdownNow();
        }
    }
}
