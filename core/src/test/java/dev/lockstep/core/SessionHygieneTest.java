package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a migration leaves on its session stays out of the next migration, the tracker's writes and
 * the application's pool. A pool of one connection, so "the application's next connection" is the
 * very session the migrations ran on, unless Lockstep discarded it.
 */
class SessionHygieneTest extends SchemaTestBase {

    private HikariDataSource pool;

    @BeforeEach
    void onePooledConnection() {
        pool = schema.pool(1);
    }

    @AfterEach
    void dropRole() {
        pool.close();
        Sql.execute(schema, "DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role() + "') THEN "
                + "EXECUTE 'DROP OWNED BY " + role() + "'; EXECUTE 'DROP ROLE " + role() + "'; END IF; END$$");
    }

    private String role() {
        return schema.name() + "_role";
    }

    private MigrationReport migrateOnPool() {
        return Lockstep.configure().dataSource(pool).locations(files.location()).load().migrate();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SET search_path TO pg_catalog                      | search_path              |
            SET statement_timeout = '1234ms'                   | statement_timeout        |
            SET lock_timeout = '4321ms'                        | lock_timeout             | 1s
            SET session_replication_role = replica             | session_replication_role |
            SELECT set_config('search_path', '', false)        | search_path              |
            SET work_mem = '7MB'                               | work_mem                 |
            """)
    void aSettingChangedByAMigrationIsBackForTheNextMigrationAndThePool(String change, String setting,
            String runValue) throws Exception {
        String before = settingOnPool(setting);
        // The run sets lock_timeout itself (lockstep.ddl.lock-timeout): each migration starts from that.
        String expected = runValue != null ? runValue : before;
        files.add("1_change.up.sql", change + ";\nSELECT 1;")
                .add("2_next.up.sql", "CREATE TABLE next_one (id int);\n"
                        + "DO $$BEGIN IF current_setting('" + setting + "') <> '" + expected.replace("'", "''")
                        + "' THEN RAISE EXCEPTION 'leaked: %', current_setting('" + setting + "'); END IF; END$$;");
        int pid = pidOnPool();

        assertThat(migrateOnPool().applied()).hasSize(2);

        assertThat(pidOnPool()).as("the same connection went back to the pool").isEqualTo(pid);
        assertThat(settingOnPool(setting)).isEqualTo(before);
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".next_one')")).isNotNull();
        assertThat(migrateOnPool().applied()).as("a second run on the same pool").isEmpty();
    }

    /**
     * A setting changed inside a function is invisible in the calling migration's text: the
     * migrations after it see it (README says so), and the restore at the end of the run still gives
     * the pool the connection as it came.
     */
    @Test
    void aSettingChangedInsideAFunctionIsPutBackBeforeThePoolGetsTheConnection() throws Exception {
        String before = settingOnPool("work_mem");
        files.add("1_function.up.sql", "CREATE FUNCTION raise_work_mem() RETURNS void LANGUAGE sql AS "
                        + "$$ SELECT set_config('work_mem', '9MB', false) $$;")
                .add("2_call.up.sql", "SELECT raise_work_mem();");
        int pid = pidOnPool();

        assertThat(migrateOnPool().applied()).hasSize(2);

        assertThat(pidOnPool()).isEqualTo(pid);
        assertThat(settingOnPool("work_mem")).isEqualTo(before);
    }

    @Test
    void aPgDumpFileDoesNotBreakTheMigrationAfterIt() {
        files.add("1_dump.up.sql", """
                SET statement_timeout = 0;
                SET client_encoding = 'UTF8';
                SELECT pg_catalog.set_config('search_path', '', false);
                CREATE TABLE %s.dumped (id int);
                """.formatted(schema.name()))
                .add("2_after.up.sql", "CREATE TABLE after_dump (id int);");

        assertThat(migrateOnPool().applied()).hasSize(2);

        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".after_dump')")).isNotNull();
    }

    @Test
    void aMigrationsRoleNeverWritesTheTrackerAndIsGoneAfterward() throws Exception {
        Sql.execute(schema, "CREATE ROLE " + role() + " NOLOGIN");
        files.add("1_as_role.up.sql", "GRANT USAGE, CREATE ON SCHEMA " + schema.name() + " TO " + role() + ";\n"
                        + "SET ROLE " + role() + ";\nCREATE TABLE owned_by_role (id int);")
                .add("2_next.up.sql", "CREATE TABLE owned_by_run (id int);");
        String userBefore = queryOnPool("SELECT current_user");

        assertThat(migrateOnPool().applied()).hasSize(2);

        assertThat(Sql.value(schema, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_role' AND "
                + "schemaname = '" + schema.name() + "'")).isEqualTo(role());
        assertThat(Sql.value(schema, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_run' AND "
                + "schemaname = '" + schema.name() + "'")).isEqualTo(userBefore);
        assertThat(queryOnPool("SELECT current_user")).isEqualTo(userBefore);
        assertThat(Sql.tracker(schema)).containsExactly("1_as_role:applied", "2_next:applied");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            LISTEN lockstep_channel                                 | channel(s) listened to
            PREPARE lockstep_prepared AS SELECT 1                   | prepared statement(s)
            CREATE TEMP TABLE lockstep_temp (id int)                | temporary relation(s)
            SELECT pg_advisory_lock(42)                             | advisory lock(s) of its own
            SELECT set_config('lockstep_test.flag', 'on', false)    | custom setting lockstep_test.flag
            """)
    void stateThatCannotBeUndoneDiscardsTheConnection(String change, String named) throws Exception {
        files.add("1_leave.up.sql", change + ";").add("2_next.up.sql", "CREATE TABLE next_one (id int);");
        int pid = pidOnPool();
        List<String> warnings = LogCapture.during(LogCapture.ENGINE, () -> migrateOnPool());

        assertThat(warnings).anySatisfy(line -> assertThat(line).contains("Discarding the migration connection")
                .contains(named));
        assertThat(pidOnPool()).as("a fresh connection").isNotEqualTo(pid);
        assertThat(Sql.count(schema, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid))
                .as("the discarded session is gone").isZero();
        assertThat(Sql.tracker(schema)).containsExactly("1_leave:applied", "2_next:applied");
    }

    /** A migration that records the session settings it runs with in a table {@code seen}. */
    private static final String SEEN_SETTINGS = "CREATE TABLE seen AS SELECT current_setting('application_name') AS name, "
            + "current_setting('client_connection_check_interval', true) AS check_interval, "
            + "current_setting('tcp_keepalives_idle') AS keepalives_idle, "
            + "current_setting('statement_timeout') AS statement_timeout;";

    private void migrateAsOrdersWithAStatementTimeout() {
        Lockstep.configure().dataSource(pool).locations(files.location()).runnerName("orders")
                .statementTimeout(Duration.ofSeconds(90)).load().migrate();
    }

    /** What Lockstep sets for the run (README, What a run does, step 3), seen from inside a migration. */
    @Test
    void migrationsRunWithTheRunsOwnSessionSettings() {
        files.add("1_seen.up.sql", SEEN_SETTINGS);

        migrateAsOrdersWithAStatementTimeout();

        assertThat(Sql.rows(schema, "SELECT * FROM seen")).singleElement().satisfies(seen -> {
            assertThat(seen.get("name")).asString().startsWith("lockstep orders@");
            // PostgreSQL 13 has no connection check (client_connection_check_interval came with 14).
            assertThat(seen.get("check_interval")).isEqualTo(TestPostgres.get().majorVersion() >= 14 ? "1s" : null);
            assertThat(seen.get("keepalives_idle")).isEqualTo("10");
            assertThat(seen.get("statement_timeout")).isEqualTo("90s");
        });
    }

    /** RESET ALL names no setting: everything, Lockstep's own settings included, is put back after it. */
    @Test
    void aResetAllPutsBackTheRunsOwnSettingsForTheNextMigration() {
        files.add("1_reset.up.sql", "RESET ALL;").add("2_seen.up.sql", SEEN_SETTINGS);

        migrateAsOrdersWithAStatementTimeout();

        assertThat(Sql.rows(schema, "SELECT * FROM seen")).singleElement().satisfies(seen -> {
            assertThat(seen.get("name")).asString().startsWith("lockstep orders@");
            assertThat(seen.get("statement_timeout")).isEqualTo("90s");
        });
    }

    @Test
    void aRunThatLeavesNothingBehindKeepsTheConnectionAndItsOwnSettings() throws Exception {
        try (Connection c = pool.getConnection(); var s = c.createStatement()) {
            s.execute("SET application_name = 'the-app'");
            s.execute("SET statement_timeout = '42s'");
        }
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        int pid = pidOnPool();

        migrateOnPool();

        assertThat(pidOnPool()).isEqualTo(pid);
        assertThat(settingOnPool("application_name")).isEqualTo("the-app");
        assertThat(settingOnPool("statement_timeout")).isEqualTo("42s");
        if (TestPostgres.get().majorVersion() >= 14) {
            assertThat(settingOnPool("client_connection_check_interval")).isEqualTo("0");
        }
        assertThat(settingOnPool("tcp_keepalives_idle")).isEqualTo(Sql.value(schema,
                "SELECT current_setting('tcp_keepalives_idle')"));
    }

    private int pidOnPool() throws Exception {
        return Integer.parseInt(queryOnPool("SELECT pg_backend_pid()::text"));
    }

    private String settingOnPool(String name) throws Exception {
        return queryOnPool("SELECT current_setting('" + name + "')");
    }

    private String queryOnPool(String sql) throws Exception {
        try (Connection c = ((DataSource) pool).getConnection()) {
            List<Map<String, Object>> rows = Sql.rows(c, sql);
            return String.valueOf(rows.get(0).values().iterator().next());
        }
    }
}
