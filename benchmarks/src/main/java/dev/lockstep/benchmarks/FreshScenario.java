package dev.lockstep.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Scenarios 1 and 2: every tool applies a set to an empty database, then runs again with nothing
 * to do, as every restart does. First, Flyway with its defaults is given one try on a set with
 * {@code CREATE INDEX CONCURRENTLY}, which it does not finish; the report says so in a section.
 */
final class FreshScenario implements Scenario {

    private static final Duration HANG_LIMIT = Duration.ofSeconds(20);

    private String flywayDefaults = "Not measured in this run.";

    @Override
    public String name() {
        return "fresh";
    }

    @Override
    public String description() {
        return "fresh apply on an empty database, then a no-op run; every tool, every set";
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        flywayDefaults = flywayDefaultsWithConcurrentIndex(run.databases(), run.pick(10));
        for (MigrationSet set : run.sets()) {
            run.rounds().run(name(), set, (round, recorder) -> {
                for (Tool tool : Rounds.rotate(Tools.all(), round)) {
                    freshAndNoop(run.databases(), tool, set, recorder);
                }
            });
        }
    }

    private static void freshAndNoop(Databases databases, Tool tool, MigrationSet set, Rounds.Recorder recorder)
            throws Exception {
        String db = databases.create();
        try (var pool = databases.pool(db)) {
            recorder.add("fresh", set, tool.name(), Rounds.millis(() -> tool.migrate(pool, set)));
            // The floor tracks nothing, so a second run would apply everything again.
            if (!tool.name().equals("floor")) {
                recorder.add("noop", set, tool.name(), Rounds.millis(() -> tool.migrate(pool, set)));
            }
        } finally {
            databases.drop(db);
        }
    }

    /**
     * Flyway with its defaults on a set with {@code CREATE INDEX CONCURRENTLY}: it keeps a
     * transaction open on one connection while the index build on another waits for it. Gives it
     * {@link #HANG_LIMIT}; returns a sentence for the report.
     */
    private static String flywayDefaultsWithConcurrentIndex(Databases databases, MigrationSet set) throws Exception {
        String db = databases.create();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (var pool = databases.pool(db)) {
            long started = System.nanoTime();
            Future<?> run = thread.submit(() -> {
                new Tools.FlywayTool(true).migrate(pool, set);
                return null;
            });
            try {
                run.get(HANG_LIMIT.toSeconds(), TimeUnit.SECONDS);
                return String.format(Locale.ROOT, "Flyway with its defaults finished the %s-migration set in %.0f ms.",
                        set.name(), (System.nanoTime() - started) / 1e6);
            } catch (TimeoutException e) {
                Log.line("Flyway with its defaults is stuck on CREATE INDEX CONCURRENTLY after %d s",
                        HANG_LIMIT.toSeconds());
                return "Flyway " + Report.version("org.flywaydb", "flyway-core") + " with its defaults did not finish "
                        + "the " + set.name() + "-migration set within " + HANG_LIMIT.toSeconds() + " s: its first "
                        + "`CREATE INDEX CONCURRENTLY` waits (`Lock: virtualxid`) for the snapshot of Flyway's own "
                        + "other connection, `idle in transaction` under the default transactional advisory lock. "
                        + "The tables below use `flyway.postgresql.transactional.lock=false` for Flyway.";
            }
        } finally {
            databases.drop(db);
            thread.shutdownNow();
        }
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("fresh", "1. Fresh apply on an empty database (ms)");
        titles.put("noop", "2. No-op: everything already applied, run again (ms)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        Results results = run.results();
        List<MigrationSet> sets = run.sets();
        String noopSet = sets.stream().anyMatch(s -> s.name().equals("1000")) ? "1000"
                : sets.get(sets.size() - 1).name();
        targets.atLeast("no-op at " + noopSet + ": Flyway / Lockstep ≥ 10",
                results.median("noop", noopSet, "flyway") / results.median("noop", noopSet, "lockstep"), 10);
        for (MigrationSet set : sets) {
            String name = set.name();
            targets.atMost("fresh apply at " + name + ": Lockstep / floor ≤ 1.5",
                    results.median("fresh", name, "lockstep") / results.median("fresh", name, "floor"), 1.5);
        }
    }

    @Override
    public String section() {
        return "## CREATE INDEX CONCURRENTLY with Flyway's defaults\n\n" + flywayDefaults + "\n\n";
    }
}
