package dev.lockstep.benchmarks;

import dev.lockstep.test.CloneStrategy;
import dev.lockstep.test.TemplateDatabase;
import dev.lockstep.test.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Scenario 6: a fresh migrated database per test, two ways. <em>migrate</em>: {@code CREATE
 * DATABASE} and Lockstep's migrate into it. <em>clone</em>: {@code CREATE DATABASE ... TEMPLATE}
 * from a template that lockstep-test's {@link TemplateDatabase} built once, before the rounds.
 * Each way one database at a time, and {@value #AT_ONCE} at once (wall time until all are ready),
 * as parallel test forks ask for them. On PostgreSQL 15 and later cloning is measured with both
 * {@code STRATEGY WAL_LOG} and {@code FILE_COPY}, each clone made when asked; and <em>pooled</em>:
 * what lockstep-test does by default, taking a clone its pool made ahead of time (with
 * {@link CloneStrategy#AUTO}), the pool filled before each timing: what a test waits for once the
 * pool has had time to fill, which is not a clone's cost and so has no target. A time ends when
 * the database is ready; its drop afterwards is not timed.
 */
final class CloneScenario implements Scenario {

    static final int AT_ONCE = 8;
    private static final String POOLED = "pooled";
    /** The generated sets it measures; with none of them in {@code --sizes}, it takes those given. */
    private static final List<Integer> SIZES = List.of(100, 1_000);
    /** Relative to the working directory: the commands in the README run from the repository root. */
    static final Path SAMPLE_APP = Path.of("sample-app", "src", "main", "resources", "db", "migrations");

    private String section = "";

    @Override
    public String name() {
        return "clone";
    }

    @Override
    public String description() {
        return "a migrated database per test: clone a template or migrate each, one and " + AT_ONCE
                + " at once; 100, 1000 and the sample app's migrations";
    }

    /**
     * One way to a migrated database of one's own; closing what {@code newDatabase} returns drops it.
     *
     * @param key "migrate" or "clone": the first half of the CSV scenario key
     * @param tool the CSV tool column: "lockstep" for migrate, the clone strategy or "pooled" for clone
     * @param prepare untimed, before each timing
     */
    private record Way(String key, String tool, Runnable prepare, Callable<AutoCloseable> newDatabase) {
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        Databases databases = run.databases();
        int version = databases.serverVersionNum();
        List<CloneStrategy> strategies = version >= 150000 ? List.of(CloneStrategy.WAL_LOG, CloneStrategy.FILE_COPY)
                : List.of(CloneStrategy.SERVER_DEFAULT);
        List<MigrationSet> sets = new ArrayList<>(generatedSets(run));
        if (Files.isDirectory(SAMPLE_APP)) {
            sets.add(MigrationSets.fromFolder(run.work(), SAMPLE_APP, "sample-app"));
        } else {
            Log.line("clone: no sample app migrations at %s (run from the repository root); measuring without them",
                    SAMPLE_APP.toAbsolutePath());
        }
        sets.addAll(run.folders());
        for (MigrationSet set : sets) {
            measure(run, set, strategies);
        }
        section = "## A fresh migrated database per test: clone or migrate\n\n"
                + "PostgreSQL " + version / 10000 + ", clone strategies " + strategies.stream()
                        .map(s -> "`" + tool(s) + "`").collect(Collectors.joining(" and "))
                + ". Each template was built once by lockstep-test's `TemplateDatabase` before the rounds, not "
                + "timed. A time ends when the database is ready; dropping it afterwards is not timed. `pooled` is "
                + "lockstep-test's default: a clone its pool made ahead (strategy `auto`), the pool filled before each "
                + "timing: what a test waits for once the pool had time to fill, so no target applies to it.\n\n";
    }

    private void measure(BenchmarkRun run, MigrationSet set, List<CloneStrategy> strategies) throws Exception {
        Databases databases = run.databases();
        var server = databases.server();
        List<Way> ways = new ArrayList<>(List.of(migrate(databases, set)));
        String template = null;
        TemplateDatabase pooled = null;
        try {
            long started = System.nanoTime();
            for (CloneStrategy strategy : strategies) {
                // The strategy is no part of the template's name: the first build makes it, the others find it.
                TemplateDatabase built = template(server, set).strategy(strategy).poolSize(0).build();
                template = built.name();
                ways.add(clone(built, tool(strategy)));
            }
            pooled = template(server, set).poolSize(AT_ONCE).build();
            ways.add(new Way("clone", POOLED, pooled::fillPool, pooled::newClone));
            Log.line("clone %s: template %s built in %.0f ms (not timed); pooled clones use %s", set.name(), template,
                    (System.nanoTime() - started) / 1e6, pooled.strategy());
            run.rounds().run(name(), set, (round, recorder) -> {
                for (Way way : Rounds.rotate(ways, round)) {
                    recorder.add(way.key() + "_one", set, way.tool(), oneMillis(way));
                    recorder.add(way.key() + "_" + AT_ONCE, set, way.tool(), atOnceMillis(way));
                }
            });
        } finally {
            if (pooled != null) {
                pooled.closePool();
            }
            if (template != null) {
                // Its name hashes this run's temporary folder: no later run or test would use it again.
                databases.dropTemplate(template);
            }
        }
    }

    private static TemplateDatabase.Builder template(TestPostgres server, MigrationSet set) {
        return TemplateDatabase.builder().server(server.jdbcUrl(), server.user(), server.password())
                .locations("filesystem:" + set.lockstepDir());
    }

    private static Way migrate(Databases databases, MigrationSet set) {
        return new Way("migrate", "lockstep", () -> { }, () -> {
            String db = databases.create();
            try {
                new Tools.LockstepTool().migrate(databases.unpooled(db), set);
            } catch (RuntimeException e) {
                try {
                    databases.drop(db);
                } catch (SQLException dropFailed) {
                    e.addSuppressed(dropFailed);
                }
                throw e;
            }
            return () -> databases.drop(db);
        });
    }

    private static Way clone(TemplateDatabase template, String tool) {
        return new Way("clone", tool, () -> { }, template::newClone);
    }

    private static String tool(CloneStrategy strategy) {
        return strategy.name().toLowerCase(Locale.ROOT);
    }

    private static double oneMillis(Way way) throws Exception {
        way.prepare().run();
        long started = System.nanoTime();
        AutoCloseable database = way.newDatabase().call();
        double millis = (System.nanoTime() - started) / 1e6;
        database.close();
        return millis;
    }

    /** Wall time of {@value #AT_ONCE} at once; any failure fails the run, after dropping the rest. */
    private static double atOnceMillis(Way way) throws Exception {
        way.prepare().run();
        List<Callable<AutoCloseable>> tasks = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            tasks.add(way.newDatabase());
        }
        Together.Outcome<AutoCloseable> outcome = Together.run(tasks);
        for (AutoCloseable database : outcome.values()) {
            if (database != null) {
                database.close();
            }
        }
        if (!outcome.failures().isEmpty()) {
            throw new IllegalStateException(outcome.failures().size() + " of " + AT_ONCE + " at once failed to "
                    + way.key() + " (" + way.tool() + "): " + Together.rootMessage(outcome.failures().get(0)),
                    outcome.failures().get(0));
        }
        return outcome.wallMillis();
    }

    /** The generated sets of {@link #SIZES}; all of {@code --sizes} when it has none of them. */
    private static List<MigrationSet> generatedSets(BenchmarkRun run) {
        List<MigrationSet> chosen = run.generated().stream().filter(s -> SIZES.contains(s.count())).toList();
        return chosen.isEmpty() ? run.generated() : chosen;
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("migrate_one", "6a. A fresh migrated database: CREATE DATABASE and migrate it (ms)");
        titles.put("clone_one", "6b. A fresh migrated database: clone the template, by clone strategy (ms)");
        titles.put("migrate_" + AT_ONCE, "6c. " + AT_ONCE + " fresh migrated databases at once, migrating each, "
                + "wall time until all are ready (ms)");
        titles.put("clone_" + AT_ONCE, "6d. " + AT_ONCE + " fresh migrated databases at once, cloning the template, "
                + "wall time until all are ready (ms)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        List<MigrationSet> generated = generatedSets(run);
        String set = generated.stream().anyMatch(s -> s.name().equals("1000")) ? "1000"
                : generated.get(generated.size() - 1).name();
        Results results = run.results();
        List<String> strategies = results.tools("clone_one", set).stream().filter(tool -> !tool.equals(POOLED))
                .toList();
        if (strategies.isEmpty()) {
            targets.atLeast("fresh database at " + set + ": migrate / clone ≥ 10", Double.NaN, 10);
            targets.atMost(AT_ONCE + " clones at once at " + set + ": " + AT_ONCE + " at once / one ≤ 1.2",
                    Double.NaN, 1.2);
            return;
        }
        for (String strategy : strategies) {
            targets.atLeast("fresh database at " + set + ": migrate / clone (" + strategy + ") ≥ 10",
                    results.median("migrate_one", set, "lockstep") / results.median("clone_one", set, strategy), 10);
        }
        for (String strategy : strategies) {
            targets.atMost(AT_ONCE + " clones at once at " + set + " (" + strategy + "): " + AT_ONCE
                    + " at once / one ≤ 1.2", results.median("clone_" + AT_ONCE, set, strategy)
                    / results.median("clone_one", set, strategy), 1.2);
        }
    }

    @Override
    public String section() {
        return section;
    }
}
