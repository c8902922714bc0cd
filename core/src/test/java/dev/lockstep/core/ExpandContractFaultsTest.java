package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.lockstep.test.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An expand/contract migration whose process dies half-way (its session killed on the server, as a
 * {@code kill -9} of the process ends it): during the expand, during the backfill of a changed type,
 * during the contract. Each time the next start (or contract) finishes it, and nothing is half-recorded.
 */
class ExpandContractFaultsTest {

    private static final int ROWS = 6_000;

    @TempDir
    Path dir;
    private OwnDatabase database;
    private MigrationDir files;

    @BeforeEach
    void setUp() throws SQLException {
        database = new OwnDatabase("lockstep_ecf_");
        files = new MigrationDir(dir).add("1_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, "
                + "age integer NOT NULL DEFAULT 18);\nINSERT INTO users SELECT i, 'user ' || i, i % 90 FROM "
                + "generate_series(1, " + ROWS + ") i");
    }

    @AfterEach
    void tearDown() throws SQLException {
        database.close();
    }

    private Lockstep engine() {
        return Lockstep.configure().dataSource(database.dataSource()).locations(files.location())
                .set(LockstepSettings.DDL_LOCK_TIMEOUT, Duration.ofMillis(200))
                .set(LockstepSettings.DDL_MAX_WAIT, Duration.ofSeconds(60))
                .set(LockstepSettings.JOBS_BATCH_SIZE, 20).set(LockstepSettings.JOBS_MAX_BATCH_SIZE, 20)
                .set(LockstepSettings.JOBS_MIN_BATCH_SIZE, 10).load();
    }

    private void expandFile() {
        files.add("2_users_new_shape.up.sql", "-- lockstep:expand-contract\n"
                + "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
                + "ALTER TABLE users ALTER COLUMN age TYPE bigint;\n");
    }

    /** Kills the server session of Lockstep that matches {@code where} once there is one; returns how many. */
    private int killWhen(String where) throws Exception {
        String pids = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND pid <> pg_backend_pid() AND " + where;
        assertThat(Poll.until(Duration.ofSeconds(30), () -> Integer.parseInt(database.single(pids)) > 0))
                .as("a session to kill: " + where).isTrue();
        return 1;
    }

    private String state() throws SQLException {
        return database.single("SELECT state FROM lockstep_applied_migrations WHERE version = 2");
    }

    @Test
    void killedDuringTheExpandTheNextStartExpands() throws Exception {
        engine().migrate();
        expandFile();
        try (Connection blocker = database.dataSource().getConnection(); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("SELECT count(*) FROM users"); // holds ACCESS SHARE: the expand's ALTER TABLE waits
            CompletableFuture<MigrationReport> run = CompletableFuture.supplyAsync(() -> engine().migrate());
            killWhen("application_name LIKE 'lockstep %' AND wait_event_type = 'Lock'");
            assertThatThrownBy(run::join).hasRootCauseInstanceOf(SQLException.class);
            blocker.rollback();
        }
        assertThat(state()).as("nothing recorded").isNull();
        assertThat(database.single("SELECT to_regclass('lockstep_applied_migrations_expansions')")).isNull();

        engine().migrate();

        assertThat(state()).isEqualTo("applied");
        assertThat(database.single("SELECT count(*) FROM lockstep_applied_migrations_expansions")).isEqualTo("2");
        assertThat(database.single("SELECT count(*) FROM lockstep_v2.users WHERE full_name IS NULL OR age IS NULL"))
                .isEqualTo("0");
    }

    @Test
    void killedDuringTheBackfillTheNextStartFinishesItBeforeShowingTheNewShape() throws Exception {
        engine().migrate();
        expandFile();
        CompletableFuture<MigrationReport> run = CompletableFuture.supplyAsync(() -> engine().migrate());
        assertThat(Poll.until(Duration.ofSeconds(60), () -> database.single("SELECT to_regclass("
                + "'lockstep_applied_migrations_jobs')") != null && Long.parseLong(database.single("SELECT "
                + "coalesce(max(rows_done), 0) FROM lockstep_applied_migrations_jobs")) > 200)).isTrue();
        killWhen("application_name LIKE 'lockstep %'");
        assertThatThrownBy(run::join).isInstanceOf(java.util.concurrent.CompletionException.class);

        assertThat(state()).as("expanded, its shape not shown yet").isEqualTo("running");
        assertThat(database.single("SELECT to_regnamespace('lockstep_v2')")).isNull();
        assertThat(Long.parseLong(database.single("SELECT count(*) FROM users WHERE age_lockstep_2 IS NULL")))
                .as("the backfill stopped half-way").isPositive();

        MigrationReport next = engine().migrate();

        assertThat(next.applied()).hasSize(1);
        assertThat(state()).isEqualTo("applied");
        assertThat(database.single("SELECT count(*) FROM users WHERE age_lockstep_2 IS DISTINCT FROM age")).isEqualTo("0");
        assertThat(database.single("SELECT count(*) FROM lockstep_v2.users WHERE age = id % 90")).isEqualTo(
                Integer.toString(ROWS));
        assertThat(database.single("SELECT state FROM lockstep_applied_migrations_jobs")).isEqualTo("finished");
    }

    /** The same with the process itself SIGKILLed, as an orchestrator kills a pod. */
    @Test
    @Tag("processes")
    void aRunnerProcessKilledDuringTheBackfillIsFinishedByTheNextStart(@TempDir Path logs) throws Exception {
        engine().migrate();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users SELECT i, 'user ' || i, i % 90 FROM generate_series(" + (ROWS + 1) + ", 400000) i");
            s.execute("VACUUM ANALYZE users");
        }
        expandFile();
        Process victim = RunnerProcess.start(database.url(), TestPostgres.get().user(), TestPostgres.get().password(),
                files.location(), 4242L, "victim", logs.resolve("victim.log"));
        try {
            assertThat(Poll.until(Duration.ofSeconds(60), () -> database.single("SELECT to_regclass("
                    + "'lockstep_applied_migrations_jobs')") != null && Long.parseLong(database.single("SELECT "
                    + "coalesce(max(rows_done), 0) FROM lockstep_applied_migrations_jobs")) > 0)).isTrue();
        } finally {
            victim.destroyForcibly().waitFor();
        }
        assertThat(state()).isEqualTo("running");
        assertThat(Long.parseLong(database.single("SELECT count(*) FROM users WHERE age_lockstep_2 IS NULL")))
                .as("the backfill stopped half-way").isPositive();

        // The next start, with the default batch tuning, as the victim had.
        Lockstep.configure().dataSource(database.dataSource()).locations(files.location()).load().migrate();

        assertThat(state()).isEqualTo("applied");
        assertThat(database.single("SELECT count(*) FROM users WHERE age_lockstep_2 IS DISTINCT FROM age")).isEqualTo("0");
        assertThat(database.single("SELECT count(*) FROM lockstep_v2.users")).isEqualTo("400000");
    }

    @Test
    void killedDuringTheContractTheNextContractFinishesIt() throws Exception {
        expandFile();
        Lockstep lockstep = engine();
        lockstep.migrate();
        try (Connection blocker = database.dataSource().getConnection(); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("SELECT count(*) FROM users"); // the contract's ALTER TABLE waits, tried again after lock_timeout
            CompletableFuture<java.util.List<ExpandedMigration>> contract = CompletableFuture.supplyAsync(
                    () -> lockstep.contract(false));
            killWhen("query LIKE 'ALTER TABLE%' OR query LIKE 'LOCK TABLE%' OR query LIKE 'DROP SCHEMA%'");
            assertThatThrownBy(contract::join).isInstanceOf(java.util.concurrent.CompletionException.class);
            blocker.rollback();
        }
        assertThat(lockstep.expansions()).singleElement().extracting(ExpandedMigration::contracted).isEqualTo(false);
        assertThat(database.single("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND "
                + "table_schema = 'public' AND column_name IN ('name', 'age_lockstep_2')")).as("the old shape, whole")
                .isEqualTo("2");

        assertThat(lockstep.contract(false)).singleElement().extracting(ExpandedMigration::contracted).isEqualTo(true);

        assertThat(database.single("SELECT string_agg(column_name || ' ' || data_type, ',' ORDER BY ordinal_position) "
                + "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users'"))
                .isEqualTo("id bigint,full_name text,age bigint");
    }
}
