package dev.lockstep.benchmarks;

import java.util.Map;

/**
 * One thing the benchmarks measure. Each scenario runs its rounds through {@link Rounds}, so every
 * one has the same warm-up, progress lines and median (min to max); the report asks every scenario,
 * run or not, for its tables and targets, so a partial run still lists what it did not measure.
 */
interface Scenario {

    /** The name {@code --only} selects it by. */
    String name();

    /** One line for {@code --help}. */
    String description();

    /**
     * Whether a run without {@code --only} includes it; a scenario that adds minutes to the run for
     * a question of its own says no, and runs only when named.
     */
    default boolean runsByDefault() {
        return true;
    }

    /** Runs the warm-up and measured rounds and adds the measured rows to {@code run.results()}. */
    void run(BenchmarkRun run) throws Exception;

    /** Table titles by CSV scenario key, in the order the report shows them. */
    default Map<String, String> tables() {
        return Map.of();
    }

    /** Adds this scenario's lines to the report's targets; "not measured" when it did not run. */
    default void targets(BenchmarkRun run, Targets targets) {
    }

    /** A Markdown section of its own, between the targets and the tables; empty for most. */
    default String section() {
        return "";
    }
}
