package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.ReleasePinning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 12: expand/contract on a table of 1 M rows. An expand that renames a column and changes
 * another's type (its backfill run in batches in the start) against one {@code UPDATE} filling a new
 * column of the same table's copy; single-row inserts and updates through the new release's view,
 * with the trigger that keeps the two types in step, against the same writes on the plain copy; and a
 * start with nothing to apply while the expansion is pending, against one on a database where the same
 * two files ran as plain migrations.
 */
final class ExpandScenario implements Scenario {

    static final String BACKFILL = "expand_backfill_ms";
    static final String WRITES = "expand_writes_ms";
    static final String START = "expand_start_ms";
    static final String PLAIN = "plain table";
    static final String EXPANDED = "expanded";
    private static final int ROWS = 1_000_000;
    private static final int WRITES_PER_ROUND = 5_000;
    private static final int STARTS = 20;

    @Override
    public String name() {
        return "expand";
    }

    @Override
    public String description() {
        return "expand/contract on 1 M rows: the expand and its backfill against one UPDATE, writes through the new "
                + "release's view and trigger against the plain table, a start with an expansion pending; a few minutes";
    }

    @Override
    public boolean runsByDefault() {
        return false;
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        Path one = Files.createDirectories(run.work().resolve("expand-1"));
        Files.writeString(one.resolve("1_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, "
                + "age integer NOT NULL DEFAULT 18);\nINSERT INTO users SELECT i, 'user ' || i, i % 90 FROM "
                + "generate_series(1, " + ROWS + ") i;\nCREATE TABLE users_plain (id bigint PRIMARY KEY, full_name text "
                + "NOT NULL, age integer NOT NULL DEFAULT 18);\nINSERT INTO users_plain SELECT * FROM users;");
        Path two = Files.createDirectories(run.work().resolve("expand-2"));
        Files.copy(one.resolve("1_users.up.sql"), two.resolve("1_users.up.sql"));
        Files.writeString(two.resolve("2_users_new_shape.up.sql"), "-- lockstep:expand-contract\n"
                + "ALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users ALTER COLUMN age TYPE bigint;\n");
        // The same two files, the second a plain migration: the start's baseline, with nothing pending to contract.
        Path plain = Files.createDirectories(run.work().resolve("expand-plain"));
        Files.copy(one.resolve("1_users.up.sql"), plain.resolve("1_users.up.sql"));
        Files.writeString(plain.resolve("2_users_new_shape.up.sql"), "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
                + "ALTER TABLE users ALTER COLUMN age TYPE bigint;\n");
        MigrationSet set = MigrationSet.lockstepOnly("1 M rows", 2, two);
        run.rounds().run(name(), set, (round, recorder) -> {
            String expandedDb = run.databases().create();
            String plainDb = run.databases().create();
            try (HikariDataSource pool = run.databases().pool(expandedDb, 4);
                    HikariDataSource plainPool = run.databases().pool(plainDb, 4)) {
                Lockstep.configure().dataSource(pool).locations("filesystem:" + one).load().migrate();
                Lockstep.configure().dataSource(plainPool).locations("filesystem:" + plain).load().migrate();
                execute(pool, "VACUUM ANALYZE");
                execute(pool, "CHECKPOINT");
                recorder.add(BACKFILL, set, PLAIN, Rounds.millis(() -> {
                    execute(pool, "ALTER TABLE users_plain ADD COLUMN age_new bigint");
                    execute(pool, "UPDATE users_plain SET age_new = age");
                }));
                Lockstep releaseTwo = Lockstep.configure().dataSource(pool).locations("filesystem:" + two).load();
                recorder.add(BACKFILL, set, EXPANDED, Rounds.millis(releaseTwo::migrate));

                execute(pool, "VACUUM ANALYZE");
                execute(pool, "CHECKPOINT");
                try (HikariDataSource pinned = pinned(run, expandedDb)) {
                    // Each side once before it is timed: the first writes after the backfill pay for its dead rows.
                    writes(pool, "users_plain");
                    writes(pinned, "users");
                    recorder.add(WRITES, set, PLAIN, Rounds.millis(() -> writes(pool, "users_plain")));
                    recorder.add(WRITES, set, EXPANDED, Rounds.millis(() -> writes(pinned, "users")));
                }
                recorder.add(START, set, PLAIN, Rounds.millis(() -> starts(plainPool, plain)));
                recorder.add(START, set, EXPANDED, Rounds.millis(() -> starts(pool, two)));
            } finally {
                run.databases().drop(expandedDb);
                run.databases().drop(plainDb);
            }
        });
    }

    /** The new release's pool: its connections pinned to version 2, as the Spring Boot starter pins them. */
    private static HikariDataSource pinned(BenchmarkRun run, String database) {
        HikariConfig config = new HikariConfig();
        try (HikariDataSource plain = run.databases().pool(database, 1)) {
            plain.copyStateTo(config);
        }
        config.setPoolName(null);
        config.setMaximumPoolSize(1);
        config.setConnectionInitSql(ReleasePinning.sql(MigrationVersion.parse("2")));
        return new HikariDataSource(config);
    }

    /** Single-row inserts, each followed by an update of its row, in autocommit, on one connection. */
    private static void writes(HikariDataSource pool, String table) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, full_name, age) "
                        + "VALUES (?, ?, ?)");
                PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET age = ? WHERE id = ?")) {
            long first;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM " + table)) {
                rs.next();
                first = rs.getLong(1) + 1;
            }
            for (long id = first; id < first + WRITES_PER_ROUND; id++) {
                insert.setLong(1, id);
                insert.setString(2, "writer " + id);
                insert.setLong(3, id % 90);
                insert.executeUpdate();
                update.setLong(1, id % 70);
                update.setLong(2, id);
                update.executeUpdate();
            }
        }
    }

    /** Starts of an engine over these files with nothing to apply, each a new engine. */
    private static void starts(HikariDataSource pool, Path files) {
        for (int i = 0; i < STARTS; i++) {
            Lockstep.configure().dataSource(pool).locations("filesystem:" + files).load().migrate();
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put(BACKFILL, "12. Expand/contract on 1 M rows: an expand with a type change, its backfill run in the "
                + "start, against one UPDATE filling a new column (ms)");
        titles.put(WRITES, "12b. " + WRITES_PER_ROUND + " single-row inserts, each with an update of its row: through the "
                + "new release's view and trigger, against the plain table (ms)");
        titles.put(START, "12c. " + STARTS + " starts with nothing to apply: with an expansion pending, against none (ms)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        Results results = run.results();
        String row = "1 M rows";
        targets.atMost("writes through the view and trigger / plain table ≤ 2", results.median(WRITES, row, EXPANDED)
                / results.median(WRITES, row, PLAIN), 2.0);
        targets.atMost("expand with its backfill / one UPDATE ≤ 3", results.median(BACKFILL, row, EXPANDED)
                / results.median(BACKFILL, row, PLAIN), 3.0);
        targets.atMost("a start with an expansion pending / without ≤ 1.2", results.median(START, row, EXPANDED)
                / results.median(START, row, PLAIN), 1.2);
    }
}
