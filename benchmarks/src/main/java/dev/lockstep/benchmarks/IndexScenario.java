package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Scenario 9: what the build-time index buys at {@value #SIZE} migrations. The generated set in an
 * {@link ApplicationJar application jar}, read by Lockstep through a class loader, once as it is
 * ({@value #FILES}: every file read and hashed at every start) and once with the index
 * lockstep-maven-plugin writes ({@value #INDEXED}: no file read until it runs); Flyway and
 * Liquibase as in scenarios 1 and 2, from the same files on disk. Each tool applies the set to an
 * empty database, then runs {@value #NOOPS} times with nothing to do. Lockstep's runs are timed in
 * two parts, {@code configure()...load()} and {@code migrate()}, the engine's part, which the
 * target is about.
 *
 * <p>A warm-up round on a smaller set (the JIT and the server settle on it), then
 * {@link #rounds measured rounds} at the full size: a fresh apply of {@value #SIZE} files takes
 * Flyway minutes, so more rounds would make this the longest scenario; the no-op, which is what
 * the target is about, gets {@value #NOOPS} samples a round.
 */
final class IndexScenario implements Scenario {

    static final int SIZE = 10_000;
    static final int QUICK_SIZE = 1_000;
    static final int NOOPS = 5;
    static final String FILES = "lockstep";
    static final String INDEXED = "lockstep-index";
    static final String FRESH = "index_fresh";
    static final String NOOP = "index_noop";
    /** Lockstep's parts of {@link #FRESH} and {@link #NOOP}: the key with these endings. */
    static final String LOAD = "_load";
    static final String MIGRATE = "_migrate";

    private boolean ran;

    @Override
    public String name() {
        return "index";
    }

    @Override
    public String description() {
        return SIZE + " generated files in an application jar, fresh and no-op: Lockstep reading the files, Lockstep "
                + "with the build-time index, Flyway, Liquibase; about 13 minutes (most of it Flyway's fresh applies, 4 minutes each)";
    }

    @Override
    public boolean runsByDefault() {
        return false;
    }

    static int size(Options options) {
        return options.quick() ? QUICK_SIZE : SIZE;
    }

    static int rounds(Options options) {
        return options.quick() ? 1 : 2;
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        Options options = run.options();
        MigrationSet warmUp = generated(run, options.quick() ? 100 : 1_000);
        MigrationSet set = generated(run, size(options));
        new Rounds(run.results(), 0, true).run(name(), warmUp, round(run.databases(), warmUp,
                contestants(run.work(), warmUp)));
        new Rounds(run.results(), rounds(options), false).run(name(), set, round(run.databases(), set,
                contestants(run.work(), set)));
        ran = true;
    }

    /** The generated set of this size: the run's own when {@code --sizes} has it, else written now. */
    private static MigrationSet generated(BenchmarkRun run, int size) throws IOException {
        Optional<MigrationSet> made = run.generated().stream().filter(s -> s.count() == size).findFirst();
        return made.isPresent() ? made.get() : MigrationSets.generate(run.work(), size);
    }

    private static List<Tool> contestants(Path work, MigrationSet set) throws IOException {
        Path dir = work.resolve("index-" + set.name());
        return List.of(new JarLockstep(FILES, ApplicationJar.withoutIndex(dir.resolve("files"), set)),
                new JarLockstep(INDEXED, ApplicationJar.withIndex(dir.resolve("indexed"), set)),
                new Tools.FlywayTool(), new Tools.LiquibaseTool());
    }

    private static Rounds.Round round(Databases databases, MigrationSet set, List<Tool> tools) {
        return (round, recorder) -> {
            for (Tool tool : Rounds.rotate(tools, round)) {
                String db = databases.create();
                try (HikariDataSource pool = databases.pool(db)) {
                    measure(FRESH, tool, pool, set, recorder);
                    for (int i = 0; i < NOOPS; i++) {
                        measure(NOOP, tool, pool, set, recorder);
                    }
                } finally {
                    databases.drop(db);
                }
            }
        };
    }

    /** One run, recorded under {@code key}; Lockstep's two parts also under {@code key + LOAD} and {@code key + MIGRATE}. */
    private static void measure(String key, Tool tool, DataSource pool, MigrationSet set, Rounds.Recorder recorder)
            throws Exception {
        if (tool instanceof JarLockstep lockstep) {
            JarLockstep.Split split = lockstep.timed(pool);
            recorder.add(key, set, tool.name(), split.totalMillis());
            recorder.add(key + LOAD, set, tool.name(), split.loadMillis());
            recorder.add(key + MIGRATE, set, tool.name(), split.migrateMillis());
        } else {
            recorder.add(key, set, tool.name(), Rounds.millis(() -> tool.migrate(pool, set)));
        }
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put(FRESH, "9a. Index scenario: fresh apply from an application jar (Lockstep) or the same files on "
                + "disk (Flyway, Liquibase) (ms)");
        titles.put(NOOP, "9b. Index scenario: no-op, configure to done (ms)");
        titles.put(NOOP + LOAD, "9c. Index scenario: Lockstep's no-op, configure() to load() (ms)");
        titles.put(NOOP + MIGRATE, "9d. Index scenario: Lockstep's no-op, migrate() alone: the engine (ms)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        targets.atMost("no-op at 10,000 with the index ≤ 10 ms (engine)",
                run.results().median(NOOP + MIGRATE, String.valueOf(SIZE), INDEXED), 10);
    }

    /** Empty when it did not run: it runs only when named, and most reports would carry it for nothing. */
    @Override
    public String section() {
        if (!ran) {
            return "";
        }
        return "## The build-time index at " + String.format(Locale.ROOT, "%,d", SIZE) + " migrations\n\n"
                + "The generated set in an application jar (`db/migrations`, folder entries included), given to "
                + "Lockstep as `classpath:db/migrations` with a class loader that sees only that jar: `" + FILES
                + "` reads and hashes every file at every start, `" + INDEXED + "` has the index "
                + "(`META-INF/lockstep/index`, written by `LockstepIndex.write` into the classes directory before it "
                + "was packaged) and reads a file only when it runs. Flyway and Liquibase read the same files from "
                + "disk, as in scenarios 1 and 2. Each tool: a fresh apply on an empty database, then " + NOOPS
                + " no-op runs; Lockstep's runs are also timed in two parts, `configure()...load()` and `migrate()`. "
                + "A warm-up round on a smaller set, then one or two measured rounds (`--quick`: "
                + String.format(Locale.ROOT, "%,d", QUICK_SIZE) + " files, one round).\n\n";
    }
}
