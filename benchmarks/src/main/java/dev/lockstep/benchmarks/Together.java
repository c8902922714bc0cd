package dev.lockstep.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Several tasks started at the same instant: every thread is started and waiting at a gate before
 * it opens, so the wall time measured from the gate holds no thread start-up.
 */
final class Together {

    /**
     * @param wallMillis from the gate opening until the last task ended
     * @param values what each task returned, null for the ones that failed
     * @param failures why the failed ones failed
     */
    record Outcome<T>(double wallMillis, List<T> values, List<Throwable> failures) {
    }

    private Together() {
    }

    static <T> Outcome<T> run(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch ready = new CountDownLatch(tasks.size());
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    gate.await();
                    return task.call();
                }));
            }
            ready.await();
            long started = System.nanoTime();
            gate.countDown();
            List<T> values = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    values.add(future.get());
                } catch (ExecutionException e) {
                    values.add(null);
                    failures.add(e.getCause());
                }
            }
            return new Outcome<>((System.nanoTime() - started) / 1e6, values, failures);
        } finally {
            threads.shutdownNow();
        }
    }

    /** The innermost cause's message, cut to one line's length. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
    }
}
