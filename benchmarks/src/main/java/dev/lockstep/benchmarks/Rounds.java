package dev.lockstep.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The round loop every scenario shares: an optional warm-up round whose values are discarded (the
 * JIT, the server's caches and the connection set-up settle in it), then the measured rounds, each
 * value added to {@link Results}, which reports median, min and max. A progress line after each.
 */
final class Rounds {

    /** One round's work; {@code round} is 0 for the warm-up, 1 to N for the measured ones. */
    @FunctionalInterface
    interface Round {
        void run(int round, Recorder recorder) throws Exception;
    }

    /** Where a round puts its values: into the results, or nowhere in the warm-up. */
    @FunctionalInterface
    interface Recorder {
        void add(String scenario, MigrationSet set, String tool, double value);
    }

    private final Results results;
    private final int measured;
    private final boolean warmUp;

    Rounds(Results results, int measured, boolean warmUp) {
        this.results = results;
        this.measured = measured;
        this.warmUp = warmUp;
    }

    /** Runs the rounds of one scenario on one set; progress reads "{scenario} {set}: round i of N". */
    void run(String scenario, MigrationSet set, Round round) throws Exception {
        for (int i = warmUp ? 0 : 1; i <= measured; i++) {
            round.run(i, i == 0 ? (s, m, t, v) -> { } : results::add);
            Log.line("%s %s: round %d of %d%s", scenario, set.name(), i, measured, i == 0 ? " (warm-up)" : "");
        }
    }

    /** The list turned by the round number, so no contestant is always first on a cold server. */
    static <T> List<T> rotate(List<T> items, int round) {
        List<T> rotated = new ArrayList<>(items);
        Collections.rotate(rotated, -(round % items.size()));
        return rotated;
    }

    /** Milliseconds the work took. */
    static double millis(Work work) throws Exception {
        long started = System.nanoTime();
        work.run();
        return (System.nanoTime() - started) / 1e6;
    }

    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }
}
