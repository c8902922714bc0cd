package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.VersionsMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Scenario 8: the {@link RealSet real-set shape}, {@value RealSet#FILES} files, applied fresh to an
 * empty database by Lockstep with its defaults ({@code versions=shared} aside: several files share
 * a version) against {@code psql} running the same files in one session ({@link PsqlFloor}). A
 * third contestant, {@code lockstep-counted}, is the same Lockstep run through
 * {@link CountingDataSource}, which breaks each migration's time down by what it spent it on
 * ({@link CostBreakdown}); its own time shows what the counting costs, and it is kept apart from
 * the {@code lockstep} column so the comparison with psql is not the counted one.
 */
final class RealSetScenario implements Scenario {

    static final String LOCKSTEP = "lockstep";
    static final String PSQL = "psql";
    static final String COUNTED = "lockstep-counted";
    static final String FRESH = "realset_fresh";
    static final String ROUND_TRIPS = "realset_round_trips";
    static final String STATEMENTS = "realset_statements";
    static final String MILLIS = "realset_ms";
    private static final String NO_PSQL = "psql not found: floor not measured";

    private String floor = "";
    private boolean psqlFound = true;
    private String shape = "";

    @Override
    public String name() {
        return "realset";
    }

    @Override
    public String description() {
        return RealSet.FILES + " files shaped like a real project (shared versions, a third CONCURRENTLY): Lockstep "
                + "against one psql session, and where each migration's time goes; under a minute";
    }

    @Override
    public boolean runsByDefault() {
        return false;
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        RealSet real = RealSet.write(run.work());
        MigrationSet set = real.set();
        shape = String.format(Locale.ROOT, "%d files under %d versions, %d of them a single `CREATE INDEX "
                + "CONCURRENTLY`", real.files().size(), real.versions(), real.concurrently());
        Optional<PsqlFloor> psql = PsqlFloor.find();
        psqlFound = psql.isPresent();
        floor = psql.isPresent() ? psql.get().version() + " (" + psql.get().psql() + ")" : NO_PSQL;
        if (psql.isEmpty()) {
            Log.line("realset: %s", NO_PSQL);
        }
        List<Path> inOrder = real.files().stream().map(file -> real.dir().resolve(file.fileName())).toList();
        Path driver = PsqlFloor.writeDriver(real.dir().resolveSibling("psql"), inOrder);
        List<String> tools = new ArrayList<>(List.of(LOCKSTEP, COUNTED));
        if (psql.isPresent()) {
            tools.add(1, PSQL);
        }
        Databases databases = run.databases();
        run.rounds().run(name(), set, (round, recorder) -> {
            for (String tool : Rounds.rotate(tools, round)) {
                String db = databases.create();
                try {
                    double millis = switch (tool) {
                        case PSQL -> Rounds.millis(() -> psql.orElseThrow().run(driver, databases.url(db),
                                databases.server().user(), databases.server().password()));
                        case COUNTED -> counted(databases, db, real, recorder);
                        default -> lockstep(databases, db, real);
                    };
                    recorder.add(FRESH, set, tool, millis);
                } finally {
                    databases.drop(db);
                }
            }
        });
    }

    private static double lockstep(Databases databases, String db, RealSet real) throws Exception {
        try (HikariDataSource pool = databases.pool(db)) {
            return Rounds.millis(() -> configure(pool, real).load().migrate());
        }
    }

    /** The same run as {@link #lockstep}, through the counting proxy; records the breakdown. */
    private static double counted(Databases databases, String db, RealSet real, Rounds.Recorder recorder)
            throws Exception {
        try (HikariDataSource pool = databases.pool(db)) {
            CostBreakdown breakdown = new CostBreakdown(real.texts(),
                    LockstepSettings.TABLE.defaultValue().orElseThrow());
            DataSource counting = CountingDataSource.wrap(pool, breakdown);
            long started = System.nanoTime();
            configure(counting, real).listener(breakdown).load().migrate();
            long nanos = System.nanoTime() - started;
            breakdown.finish(nanos);
            record(breakdown, real.dir(), recorder);
            return nanos / 1e6;
        }
    }

    /** Lockstep's defaults but for shared versions. */
    private static LockstepConfiguration configure(DataSource dataSource, RealSet real) {
        return Lockstep.configure().dataSource(dataSource).locations("filesystem:" + real.dir())
                .versions(VersionsMode.SHARED);
    }

    /**
     * One row per group: per migration for the migrations; per run for what the run does outside
     * them, and for other threads, which have no wall time of the run's to split.
     */
    private static void record(CostBreakdown breakdown, Path dir, Rounds.Recorder recorder) {
        CostBreakdown.Tally all = breakdown.allMigrations();
        CostBreakdown.Tally transactional = breakdown.tally(CostBreakdown.Group.TRANSACTIONAL);
        CostBreakdown.Tally concurrently = breakdown.tally(CostBreakdown.Group.CONCURRENTLY);
        Map<String, CostBreakdown.Tally> perMigration = new LinkedHashMap<>();
        perMigration.put("all " + all.migrations + " per migration", all);
        perMigration.put("transactional " + transactional.migrations + " per migration", transactional);
        perMigration.put("concurrently " + concurrently.migrations + " per migration", concurrently);
        perMigration.forEach((name, tally) -> {
            if (tally.migrations > 0) {
                MigrationSet row = MigrationSet.lockstepOnly(name, tally.migrations, dir);
                calls(recorder, row, tally, tally.migrations);
                wall(recorder, row, tally, tally.migrations);
            }
        });
        CostBreakdown.Tally outside = breakdown.tally(CostBreakdown.Group.OUTSIDE_MIGRATIONS);
        MigrationSet outsideRow = MigrationSet.lockstepOnly("run outside migrations", 1, dir);
        calls(recorder, outsideRow, outside, 1);
        wall(recorder, outsideRow, outside, 1);
        calls(recorder, MigrationSet.lockstepOnly("other threads", 1, dir),
                breakdown.tally(CostBreakdown.Group.OTHER_THREADS), 1);
    }

    /** Round trips, statements and milliseconds by category, each divided by {@code per}. */
    private static void calls(Rounds.Recorder recorder, MigrationSet row, CostBreakdown.Tally tally, int per) {
        long roundTrips = 0;
        for (CostBreakdown.Category category : CostBreakdown.Category.values()) {
            int i = category.ordinal();
            if (category != CostBreakdown.Category.DRIVER_ONLY) {
                recorder.add(ROUND_TRIPS, row, category.column, (double) tally.roundTrips[i] / per);
                recorder.add(STATEMENTS, row, category.column, (double) tally.statements[i] / per);
                roundTrips += tally.roundTrips[i];
            }
            recorder.add(MILLIS, row, category.column, tally.nanos[i] / 1e6 / per);
        }
        recorder.add(ROUND_TRIPS, row, "all", (double) roundTrips / per);
    }

    /** The wall time, and the client's part of it: what no JDBC call accounts for. */
    private static void wall(Rounds.Recorder recorder, MigrationSet row, CostBreakdown.Tally tally, int per) {
        recorder.add(MILLIS, row, "client", (tally.wallNanos - tally.jdbcNanos()) / 1e6 / per);
        recorder.add(MILLIS, row, "total", tally.wallNanos / 1e6 / per);
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put(FRESH, "8a. Real-set shape: fresh apply on an empty database, Lockstep against one psql session (ms)");
        titles.put(ROUND_TRIPS, "8b. Real-set shape, Lockstep counted: round trips to the server by category");
        titles.put(STATEMENTS, "8c. Real-set shape, Lockstep counted: JDBC statements by category (a "
                + "batch's counted one by one; Lockstep's own statements sent as one query string count as one)");
        titles.put(MILLIS, "8d. Real-set shape, Lockstep counted: milliseconds by category; client = wall time "
                + "outside JDBC calls");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        String what = "fresh apply of the real-set shape: Lockstep / psql ≤ 1.25";
        if (!psqlFound) {
            targets.check(what, null, NO_PSQL);
            return;
        }
        String set = RealSet.FILES + " files";
        Results results = run.results();
        targets.atMost(what, results.median(FRESH, set, LOCKSTEP) / results.median(FRESH, set, PSQL), 1.25);
    }

    /** Empty when it did not run: it runs only when named, and most reports would carry it for nothing. */
    @Override
    public String section() {
        if (shape.isEmpty()) {
            return "";
        }
        return "## Real-set shape: " + RealSet.FILES + " files, shared versions, a third CONCURRENTLY\n\n"
                + "The set: " + shape + "; PL/pgSQL `DO` blocks, comment headers and block comments, tables, added "
                + "columns, inserts and backfills (`RealSetFiles`). "
                + "`lockstep`: Lockstep with its defaults (DDL `lock_timeout`, session put-back) and "
                + "`versions=shared`. `psql`: one `psql -X -q -v ON_ERROR_STOP=1` process running a driver of `\\i` "
                + "lines in Lockstep's order, in autocommit; its start and connection are in its time, as Lockstep's "
                + "connection is in Lockstep's. psql: " + floor + ". `lockstep-counted`: Lockstep through a JDBC proxy "
                + "that times every call (`CountingDataSource`, whose Javadoc lists what counts as a round trip); "
                + "tables 8b to 8d come from it. Rows: per migration, over all, the transactional and the "
                + "`CONCURRENTLY` ones (outside a transaction); once per run, what the run did outside any "
                + "migration (reading the files, connecting, session set-up, the lock, the tracker); and calls "
                + "made on other threads (Lockstep's lock-wait watcher, which looks only when a migration runs "
                + "longer than 200 ms), not part of any migration's wall time. A transactional migration is one "
                + "batch and a commit: its batch also carries the fence and the tracker `INSERT` (8c counts them), "
                + "so their server time is inside its `migration` milliseconds. `driver-only`: JDBC calls "
                + "answered without the server. `client`: the wall time no JDBC call accounts for.\n\n";
    }
}
