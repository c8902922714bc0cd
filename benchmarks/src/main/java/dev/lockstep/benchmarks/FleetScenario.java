package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Scenario 7: schema-per-tenant, many tenants with {@value #MIGRATIONS} migrations each. Every
 * {@link FleetTools fleet tool} migrates its own new schemas (a prefix of its own, in a new
 * database per round), then runs again with nothing to do, as every restart does; its schemas are
 * dropped (not timed) before the next tool starts, so none runs on a catalog grown by another's.
 * At 100 and 1,000 tenants ({@code --quick}: 10 and 100); with {@code --fleet-10k} also Lockstep
 * alone at 10,000 (set up by a fresh fleet run), and that no-op again in a JVM with
 * {@code -Xmx256m} ({@link FleetProbe}).
 *
 * <p>One warm-up round at the smallest count, then one measured round per count: a round at 1,000
 * tenants is a thousand runs of every tool (minutes for Flyway and Liquibase), and each value is
 * already the sum over all of them.
 */
final class FleetScenario implements Scenario {

    static final int MIGRATIONS = 20;
    static final int LARGE = 10_000;
    /** Measured rounds per tenant count. */
    static final int ROUNDS = 1;
    /**
     * Schemas per {@code DROP SCHEMA ... CASCADE}: each schema's tables, indexes, sequences and
     * types take a lock each, and one statement holds them all until it commits, so a batch must
     * stay well inside the server's lock table ({@code max_locks_per_transaction} × connections).
     */
    private static final int DROP_BATCH = 20;
    private static final String HEAP_LIMIT = "-Xmx256m";

    private String section = "";
    /** What {@link #checkMigrated} found wrong, for the section; empty when every tool did the same work. */
    private final Set<String> problems = new LinkedHashSet<>();
    /** The memory check's outcome: null when it did not run; {@link #memoryDetail} says what happened. */
    private Boolean memoryMet;
    private String memoryDetail = "not measured in this run (add " + Options.FLEET_10K + ")";

    @Override
    public String name() {
        return "fleet";
    }

    @Override
    public String description() {
        return "many tenant schemas, " + MIGRATIONS + " migrations each: Lockstep's fleet, Flyway and Liquibase in "
                + "loops; 100 and 1000 tenants (" + Options.FLEET_10K + ": a no-op at 10000 too)";
    }

    /** The tenant counts measured for every tool. */
    static List<Integer> tenantCounts(Options options) {
        return options.quick() ? List.of(10, 100) : List.of(100, 1_000);
    }

    /** How the results name a tenant count: the row of the fleet tables, the CSV's "migrations" column. */
    static String rowName(int tenants) {
        return tenants + " tenants";
    }

    /** A row of the results: the tenant set's files, named and counted by tenants. */
    private static MigrationSet row(MigrationSet files, int tenants) {
        return new MigrationSet(rowName(tenants), tenants, files.lockstepDir(), files.flywayDir(),
                files.liquibaseChangelog());
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        MigrationSet files = MigrationSets.tenant(run.work(), MIGRATIONS);
        Databases databases = run.databases();
        List<Integer> counts = tenantCounts(run.options());
        for (int i = 0; i < counts.size(); i++) {
            MigrationSet row = row(files, counts.get(i));
            // The warm-up only before the smallest count: by the larger ones the JIT has long settled.
            new Rounds(run.results(), ROUNDS, i == 0).run(name(), row, (round, recorder) -> {
                String db = databases.create();
                try {
                    for (FleetTools.FleetTool tool : Rounds.rotate(FleetTools.all(), round)) {
                        freshAndNoop(databases, db, tool, files, row, round, recorder);
                    }
                } finally {
                    databases.drop(db);
                }
            });
        }
        if (run.options().fleet10k()) {
            large(run, files);
        }
        section = section(run.results(), counts);
    }

    /**
     * One tool's fresh run and no-op run over {@code row.count()} new schemas of its own; after the
     * fresh run checks that its tables landed in those schemas; at the end drops them.
     */
    private void freshAndNoop(Databases databases, String db, FleetTools.FleetTool tool, MigrationSet files,
            MigrationSet row, int round, Rounds.Recorder recorder) throws Exception {
        List<String> schemas = schemaNames(tool.prefix(), row.count());
        try (HikariDataSource pool = databases.pool(db, tool.poolSize())) {
            try {
                if (!tool.createsSchemas()) {
                    createSchemas(pool, schemas);
                }
                AtomicInteger failedFresh = new AtomicInteger();
                AtomicInteger failedNoop = new AtomicInteger();
                double fresh = Rounds.millis(() -> failedFresh.set(tool.migrate(pool, schemas, files)));
                check(pool, tool, row, schemas, failedFresh.get());
                double noop = Rounds.millis(() -> failedNoop.set(tool.migrate(pool, schemas, files)));
                recorder.add("fleet_fresh", row, tool.name(), fresh);
                recorder.add("fleet_noop", row, tool.name(), noop);
                recorder.add("fleet_failed_tenants", row, tool.name(), failedFresh.get() + failedNoop.get());
                Log.line("  fleet %s, round %d%s: %s fresh %.0f ms, no-op %.0f ms%s", row.name(), round,
                        round == 0 ? " (warm-up)" : "", tool.name(), fresh, noop,
                        failedFresh.get() + failedNoop.get() == 0 ? ""
                                : ", " + (failedFresh.get() + failedNoop.get()) + " tenant run(s) failed");
            } finally {
                dropSchemas(pool, schemas);
            }
        }
    }

    /**
     * Lockstep alone at {@value #LARGE} tenants: a fresh fleet run sets them up (its time is
     * recorded too), then the no-op in this JVM, then in a child JVM with {@value #HEAP_LIMIT}.
     * Flyway and Liquibase are left out: setting up 10,000 schemas with them would take far longer.
     */
    private void large(BenchmarkRun run, MigrationSet files) throws Exception {
        Databases databases = run.databases();
        FleetTools.FleetTool lockstep = FleetTools.lockstep();
        MigrationSet row = row(files, LARGE);
        List<String> schemas = schemaNames(lockstep.prefix(), LARGE);
        String db = databases.create();
        try (HikariDataSource pool = databases.pool(db, lockstep.poolSize())) {
            new Rounds(run.results(), 1, false).run(name(), row, (round, recorder) -> {
                AtomicInteger failed = new AtomicInteger();
                Log.line("  fleet %s: setting the tenants up with a fresh Lockstep fleet run", row.name());
                double fresh = Rounds.millis(() -> failed.addAndGet(lockstep.migrate(pool, schemas, files)));
                check(pool, lockstep, row, schemas, failed.get());
                double noop = Rounds.millis(() -> failed.addAndGet(lockstep.migrate(pool, schemas, files)));
                recorder.add("fleet_fresh", row, lockstep.name(), fresh);
                recorder.add("fleet_noop", row, lockstep.name(), noop);
                recorder.add("fleet_failed_tenants", row, lockstep.name(), failed.get());
                Log.line("  fleet %s: %s fresh %.0f ms, no-op %.0f ms", row.name(), lockstep.name(), fresh, noop);
                childNoop(databases, db, lockstep, files, row, recorder);
            });
        } finally {
            // One statement instead of 500 batches of DROP SCHEMA: nothing runs after it in this database.
            databases.drop(db);
        }
    }

    /**
     * The no-op over the {@value #LARGE} tenants again, in a new JVM with {@value #HEAP_LIMIT} that
     * exits on running out of heap; records its time and peak live heap, and whether it finished.
     */
    private void childNoop(Databases databases, String db, FleetTools.FleetTool lockstep, MigrationSet files,
            MigrationSet row, Rounds.Recorder recorder) throws Exception {
        var server = databases.server();
        Process probe = new ProcessBuilder(javaCommand(), HEAP_LIMIT, "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), FleetProbe.class.getName(), lockstep.prefix(),
                files.lockstepDir().toString(), databases.url(db), server.user(), server.password())
                .redirectErrorStream(true).start();
        String fleetLine = null;
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream()))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("FLEET ")) {
                    fleetLine = line;
                }
                tail.addLast(line);
                if (tail.size() > 5) {
                    tail.removeFirst();
                }
            }
        }
        int exit = probe.waitFor();
        if (exit != 0 || fleetLine == null) {
            memoryMet = false;
            memoryDetail = "the child JVM (" + HEAP_LIMIT + ") exited with code " + exit
                    + (exit == 3 ? " (out of heap: -XX:+ExitOnOutOfMemoryError)" : "") + "; its last lines: "
                    + String.join(" | ", tail);
            Log.line("  fleet %s: %s", row.name(), memoryDetail);
            return;
        }
        String[] parts = fleetLine.split(" ");
        double millis = Double.parseDouble(parts[1]);
        int tenants = Integer.parseInt(parts[2]);
        int migrated = Integer.parseInt(parts[3]);
        int applied = Integer.parseInt(parts[4]);
        int failed = Integer.parseInt(parts[5]);
        double peakMb = Long.parseLong(parts[6]) / 1048576.0;
        int collections = Integer.parseInt(parts[7]);
        recorder.add("fleet_noop_small_heap", row, lockstep.name(), millis);
        if (collections > 0) {
            recorder.add("fleet_noop_small_heap_peak_mb", row, lockstep.name(), peakMb);
        }
        memoryMet = tenants == LARGE && migrated == LARGE && failed == 0 && applied == 0;
        memoryDetail = String.format(Locale.ROOT, "the child JVM (%s) found %d tenants, %d up to date, %d failed, "
                        + "%d migrations applied, in %.0f ms (a cold JVM); peak heap in use after a collection %s",
                HEAP_LIMIT, tenants, migrated, failed, applied, millis,
                collections > 0 ? String.format(Locale.ROOT, "%.1f MB (%d collections)", peakMb, collections)
                        : "not known (no collection was needed)");
        Log.line("  fleet %s: %s", row.name(), memoryDetail);
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** {@code prefix00001} to {@code prefix<count>}, in order. */
    static List<String> schemaNames(String prefix, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add(String.format(Locale.ROOT, "%s%05d", prefix, i));
        }
        return names;
    }

    /** For the tool that does not create them (Liquibase); not timed. */
    static void createSchemas(DataSource dataSource, List<String> schemas) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String schema : schemas) {
                s.addBatch("CREATE SCHEMA " + quote(schema));
            }
            s.executeBatch();
        }
    }

    /** {@code DROP SCHEMA ... CASCADE}, {@link #DROP_BATCH} schemas a statement. */
    static void dropSchemas(DataSource dataSource, List<String> schemas) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (int from = 0; from < schemas.size(); from += DROP_BATCH) {
                List<String> batch = schemas.subList(from, Math.min(from + DROP_BATCH, schemas.size()));
                s.execute("DROP SCHEMA IF EXISTS " + batch.stream().map(FleetScenario::quote)
                        .collect(Collectors.joining(", ")) + " CASCADE");
            }
        }
    }

    /**
     * Runs {@link #checkMigrated}; a problem goes into the section and the log rather than ending
     * the whole benchmark run, and tenant tables found in {@code public} are dropped so the next
     * tool's check does not see them.
     */
    private void check(DataSource dataSource, FleetTools.FleetTool tool, MigrationSet row, List<String> schemas,
            int failed) throws SQLException {
        String problem = checkMigrated(dataSource, tool, schemas, failed);
        if (problem == null) {
            return;
        }
        problems.add("at " + row.name() + ", " + problem);
        Log.line("  fleet %s: NOT COMPARABLE: %s", row.name(), problem);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : MigrationSets.TENANT_TABLES) {
                s.execute("DROP TABLE IF EXISTS public." + quote(table) + " CASCADE");
            }
        }
    }

    /**
     * The timings compare nothing unless every tool did the same work in the same place: every
     * schema that did not fail must hold the last table the files create ({@value #MIGRATIONS}
     * files create all of {@link MigrationSets#TENANT_TABLES}), and {@code public} none of them
     * (where unqualified names land when a tool does not set {@code search_path}).
     *
     * @return what is wrong, or null when nothing is
     */
    static String checkMigrated(DataSource dataSource, FleetTools.FleetTool tool, List<String> schemas, int failed)
            throws SQLException {
        List<String> tables = MigrationSets.TENANT_TABLES;
        String last = tables.get(tables.size() - 1);
        int holding;
        int inPublic;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT count(*) FROM pg_tables WHERE schemaname LIKE ? AND tablename = ?")) {
                s.setString(1, tool.prefix().replace("_", "\\_") + "%");
                s.setString(2, last);
                holding = count(s);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY (?)")) {
                s.setArray(1, c.createArrayOf("text", tables.toArray()));
                inPublic = count(s);
            }
        }
        if (inPublic > 0 || holding < schemas.size() - failed) {
            return tool.name() + " did not migrate the tenant schemas as expected: " + holding + " of "
                    + schemas.size() + " schemas (" + failed + " failed) hold table " + last + ", and public holds "
                    + inPublic + " of the tenant tables";
        }
        return null;
    }

    private static int count(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The section: how it was measured, Lockstep's no-op by tenant count, and the memory check. */
    private String section(Results results, List<Integer> counts) {
        List<Integer> curve = new ArrayList<>(counts);
        curve.add(LARGE);
        StringBuilder noop = new StringBuilder();
        for (int tenants : curve) {
            double millis = results.median("fleet_noop", rowName(tenants), FleetTools.LOCKSTEP);
            noop.append(noop.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%,d tenants: ", tenants))
                    .append(Double.isNaN(millis) ? "not measured" + (tenants == LARGE ? " (add " + Options.FLEET_10K
                            + ")" : "") : String.format(Locale.ROOT, "%.0f ms (%.2f ms a tenant)", millis,
                            millis / tenants));
        }
        return "## Fleet: many tenant schemas, " + MIGRATIONS + " migrations each\n\n"
                + "Schema-per-tenant: each tenant a schema named as the tenant, " + MIGRATIONS + " small files each ("
                + "`CREATE TABLE`, `CREATE INDEX`, `ALTER TABLE ... ADD COLUMN`, `INSERT`; unqualified names). Each tool "
                + "migrates its own new schemas in a new database per round, then runs again with nothing to do; its "
                + "schemas are dropped (not timed) before the next tool starts. `" + FleetTools.LOCKSTEP + "`: "
                + "`LockstepFleet`, parallelism " + FleetTools.PARALLELISM + ", a HikariCP pool of "
                + FleetTools.PARALLELISM * 2 + ". `" + FleetTools.FLYWAY_SEQUENTIAL + "`: a Flyway per schema "
                + "(`schemas` and `defaultSchema` set to it, Flyway's defaults), one after another. `"
                + FleetTools.FLYWAY_THREADED + "`: the same on a fixed pool of " + FleetTools.FLYWAY_THREADS
                + " threads, a HikariCP pool of " + FleetTools.FLYWAY_THREADS * 2 + " (a Flyway run may hold two "
                + "connections). `" + FleetTools.LIQUIBASE_SEQUENTIAL + "`: what `MultiTenantSpringLiquibase` does, "
                + "one schema after another with the default schema set to it; Liquibase does not create a missing "
                + "default schema, so its schemas are created before its fresh run, not timed (Lockstep and Flyway "
                + "create theirs within their time). One warm-up round at the smallest count, then " + ROUNDS
                + " measured round(s) per count; each value is the wall time over all tenants.\n\n"
                + "Lockstep's fleet no-op by tenant count: " + noop + ".\n\n"
                + "Memory, the no-op at " + String.format(Locale.ROOT, "%,d", LARGE) + " tenants in a child JVM with `"
                + HEAP_LIMIT + "`: " + memoryDetail + ".\n\n"
                + (problems.isEmpty() ? "Every tool's tables were found in its tenant schemas and none in `public`."
                        : "**Not comparable:** " + String.join("; ", problems) + ".") + "\n\n";
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("fleet_fresh", "7a. Fleet, fresh: " + MIGRATIONS + " migrations into each of N new tenant schemas, "
                + "rows by tenant count, wall time (ms)");
        titles.put("fleet_noop", "7b. Fleet, no-op: every tenant up to date, run again, wall time (ms)");
        titles.put("fleet_failed_tenants", "7c. Fleet: tenant runs that failed, fresh and no-op (count)");
        titles.put("fleet_noop_small_heap", "7d. Fleet no-op in a child JVM with " + HEAP_LIMIT + ", a cold JVM (ms)");
        titles.put("fleet_noop_small_heap_peak_mb", "7e. Fleet no-op in a child JVM with " + HEAP_LIMIT
                + ": peak heap in use after a collection (MB)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        Results results = run.results();
        List<Integer> counts = tenantCounts(run.options());
        for (int tenants : counts) {
            String row = rowName(tenants);
            targets.atLeast("fleet fresh at " + row + ": Flyway sequential / Lockstep fleet ≥ 5",
                    results.median("fleet_fresh", row, FleetTools.FLYWAY_SEQUENTIAL)
                            / results.median("fleet_fresh", row, FleetTools.LOCKSTEP), 5);
        }
        String noopRow = rowName(counts.contains(1_000) ? 1_000 : counts.get(counts.size() - 1));
        targets.below("fleet no-op at " + noopRow + ": Lockstep fleet, seconds < 1",
                results.median("fleet_noop", noopRow, FleetTools.LOCKSTEP) / 1000, 1);
        targets.check("fleet no-op at " + rowName(LARGE) + " in a child JVM with " + HEAP_LIMIT + ", finished with "
                + "every tenant up to date", memoryMet, memoryDetail);
    }

    @Override
    public String section() {
        return section;
    }
}
