package dev.lockstep.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every scenario of one run shares: the options, the server, the results so far, and the
 * migration sets, written once into {@code work}.
 *
 * @param generated the generated sets, in the order of {@code --sizes}
 * @param folders the sets copied from the FOLDER arguments
 */
record BenchmarkRun(Options options, Databases databases, Results results, Path work, List<MigrationSet> generated,
        List<MigrationSet> folders) {

    /** Every set: the generated ones, then the folders. */
    List<MigrationSet> sets() {
        List<MigrationSet> all = new ArrayList<>(generated);
        all.addAll(folders);
        return all;
    }

    /** The set of this size, or the largest one below it (the first set when none is). */
    MigrationSet pick(int size) {
        List<MigrationSet> sets = sets();
        MigrationSet best = sets.get(0);
        for (MigrationSet set : sets) {
            if (set.count() <= size && set.count() >= best.count()) {
                best = set;
            }
        }
        return best;
    }

    /** A warm-up round, then the {@code --rounds} measured ones. */
    Rounds rounds() {
        return new Rounds(results, options.rounds(), true);
    }
}
