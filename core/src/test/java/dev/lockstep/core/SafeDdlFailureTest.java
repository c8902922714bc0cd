package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Safe DDL the way production breaks it, on a real PostgreSQL: a writer keeps a transaction open
 * while a migration builds an index, the migration's backend is terminated half-way. The index ends
 * valid or the run fails naming it; never {@code applied} with an INVALID index, never retried when
 * the try may have taken effect, and the error is always PostgreSQL's first one.
 */
class SafeDdlFailureTest extends SchemaTestBase {

    @BeforeEach
    void table() {
        Sql.execute(schema, "CREATE TABLE t (id int, v int); INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g");
    }

    private LockstepConfiguration named() {
        return configure().lockKey(schema.lockKey()).runnerName(schema.name()).ddlLockTimeout(Duration.ofMillis(200))
                .ddlMaxWait(Duration.ofSeconds(60));
    }

    /** A writer's open transaction: a concurrent build waits for it to end, by design. */
    private Connection openWriter() throws SQLException {
        Connection writer = schema.connect();
        writer.setAutoCommit(false);
        try (Statement s = writer.createStatement()) {
            s.execute("INSERT INTO t VALUES (0, 0)");
        }
        return writer;
    }

    private boolean running(String sqlLike) {
        return Sql.count(schema, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'lockstep "
                + schema.name() + "@%' AND state = 'active' AND query LIKE '" + sqlLike + "'") > 0;
    }

    /**
     * Starts a run whose build waits for the writer, and terminates its backend once the build has
     * created its (still INVALID) index, as a server restart or a failover would.
     */
    private CompletableFuture<MigrationReport> terminatedMidBuild(String index) throws Exception {
        CompletableFuture<MigrationReport> run = CompletableFuture.supplyAsync(() -> named().load().migrate());
        assertThat(Poll.until(Duration.ofSeconds(30), () -> Boolean.FALSE.equals(indexValid(index)))).isTrue();
        Sql.value(schema, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                + "'lockstep " + schema.name() + "@%'");
        return run;
    }

    private Object indexValid(String index) {
        return Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('" + index + "')");
    }

    /**
     * The file sets its own {@code lock_timeout}, so the build is cancelled while it waits for the
     * writer and leaves an INVALID index. Before this was fixed, the retry's {@code IF NOT EXISTS}
     * skipped it and the run recorded the migration applied; without {@code IF NOT EXISTS} the
     * retry failed with "already exists". Now the INVALID index is dropped (concurrently, so the
     * drop waits for the writer too) and the build runs again once the writer is gone.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE UNIQUE /* c */ INDEX CONCURRENTLY IF NOT EXISTS t_id_uq ON t (id);",
            "create unique index concurrently t_id_uq on t (id);",
            "CREATE UNIQUE INDEX\n  CONCURRENTLY \"t_id_uq\" ON t (id);"})
    void aCancelledConcurrentBuildIsDroppedAndBuiltAgainNeverRecordedWithAnInvalidIndex(String build) throws Exception {
        files.add("1_t_id_uq.up.sql", "SET lock_timeout = '200ms';\n" + build + "\n");
        CompletableFuture<MigrationReport> run;
        try (Connection writer = openWriter()) {
            run = CompletableFuture.supplyAsync(() -> named().load().migrate());
            assertThat(Poll.until(Duration.ofSeconds(30), () -> running("DROP INDEX CONCURRENTLY IF EXISTS%")))
                    .as("the cancelled build's INVALID index is being dropped").isTrue();
            assertThat(indexValid("t_id_uq")).isEqualTo(false);
            assertThat(run).isNotDone();
            writer.rollback();
        }
        assertThat(run.get(60, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(indexValid("t_id_uq")).isEqualTo(true);
        assertThat(Sql.tracker(schema)).containsExactly("1_t_id_uq:applied");
    }

    /** Without a timeout of its own the build waits for the writer instead, whatever the spelling. */
    @Test
    void aConcurrentBuildWithCommentsAndIfNotExistsWaitsForTheWriterAndEndsValid() throws Exception {
        files.add("1_t_id_uq.up.sql", "CREATE UNIQUE /* c */ INDEX CONCURRENTLY IF NOT EXISTS t_id_uq ON t (id);");
        CompletableFuture<MigrationReport> run;
        try (Connection writer = openWriter()) {
            run = CompletableFuture.supplyAsync(() -> named().load().migrate());
            assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.count(schema, "SELECT count(*) FROM "
                    + "pg_stat_activity WHERE query LIKE 'CREATE UNIQUE%' AND wait_event_type = 'Lock' "
                    + "AND now() - query_start > interval '1 s'") > 0)).as("waits past five lock timeouts").isTrue();
            writer.rollback();
        }
        assertThat(run.get(60, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(indexValid("t_id_uq")).isEqualTo(true);
    }

    /** {@code IF NOT EXISTS} that finds an INVALID index (a build that failed before) is never a success. */
    @Test
    void ifNotExistsThatFindsAnInvalidIndexFailsNamingItAndTheNextStartBuildsIt() {
        Sql.execute(schema, "INSERT INTO t VALUES (1, 1)");
        assertThatThrownBy(() -> Sql.execute(schema, "CREATE UNIQUE INDEX CONCURRENTLY t_id_uq ON t (id)"));
        Sql.execute(schema, "DELETE FROM t WHERE id = 1 AND ctid <> (SELECT min(ctid) FROM t WHERE id = 1)");
        assertThat(indexValid("t_id_uq")).isEqualTo(false);
        files.add("1_t_id_uq.up.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_id_uq ON t (id);");

        assertThatThrownBy(() -> named().load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("1_t_id_uq.up.sql failed at line 1")
                .hasMessageContaining("the index t_id_uq exists but is INVALID")
                .hasMessageContaining("DROP INDEX CONCURRENTLY IF EXISTS t_id_uq");
        assertThat(Sql.tracker(schema)).containsExactly("1_t_id_uq:running");

        // Every statement is a concurrent build: the next start drops the INVALID index and builds it.
        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(named().load().migrate().applied())
                .hasSize(1));
        assertThat(log).anySatisfy(line -> assertThat(line).contains("left the INVALID index t_id_uq; dropping it"));
        assertThat(indexValid("t_id_uq")).isEqualTo(true);
        assertThat(Sql.tracker(schema)).containsExactly("1_t_id_uq:applied");
    }

    /** A build that fails (duplicates for a unique index) leaves no broken index behind. */
    @Test
    void aFailedUniqueBuildHasTheInvalidIndexItLeftDroppedAtOnce() {
        Sql.execute(schema, "INSERT INTO t VALUES (1, 1)");
        files.add("1_t_id_uq.up.sql", "CREATE UNIQUE INDEX CONCURRENTLY t_id_uq ON t (id);");
        assertThatThrownBy(() -> named().load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("1_t_id_uq.up.sql failed at line 1")
                .hasMessageContaining("[SQLState 23505]")
                .hasMessageContaining("Nothing took effect: the INVALID index t_id_uq the build left was dropped "
                        + "(DROP INDEX CONCURRENTLY), and no statement before it changed the database")
                .hasMessageContaining("its tracker row was removed");
        assertThat(indexValid("t_id_uq")).isNull();
        assertThat(trackerRows()).as("nothing half-recorded").isZero();
    }

    /** Outside a transaction, a failure before anything changed the database records nothing either. */
    @Test
    void aNonTransactionalFileWhoseFirstChangeFailsLeavesNoRunningRow() {
        files.add("1_first.up.sql", "-- lockstep:transaction=false\nSET statement_timeout = '5s';\n"
                + "ALTER TABLE t ADD COLUMN id int;\nCREATE TABLE later (id int);\n");
        assertThatThrownBy(() -> named().load().migrate())
                .hasMessageContaining("1_first.up.sql failed at line 3")
                .hasMessageContaining("[SQLState 42701]")
                .hasMessageContaining("Nothing took effect: the statement's own work was rolled back, and no statement "
                        + "before it changed the database, so its tracker row was removed")
                .hasMessageNotContaining("'running'");
        assertThat(trackerRows()).isZero();

        files.add("1_first.up.sql", "-- lockstep:transaction=false\nALTER TABLE t ADD COLUMN note text;\n"
                + "CREATE TABLE later (id int);\n");
        assertThat(named().load().migrate().applied()).hasSize(1);
    }

    /** An INVALID index that was there before a failing build is not the build's to drop. */
    @Test
    void anInvalidIndexThatWasThereBeforeAFailingBuildIsLeftAlone() {
        Sql.execute(schema, "INSERT INTO t VALUES (1, 1)");
        assertThatThrownBy(() -> Sql.execute(schema, "CREATE UNIQUE INDEX CONCURRENTLY t_id_uq ON t (id)"));
        files.add("1_other_table.up.sql", "CREATE INDEX CONCURRENTLY t_id_uq ON missing_table (id);");
        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThatThrownBy(() -> named().load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("[SQLState 42P01]")
                .hasMessageNotContaining("dropped"));
        assertThat(indexValid("t_id_uq")).isEqualTo(false);
        // Every run with work names the INVALID indexes in the tracker's schema.
        assertThat(log).anySatisfy(line -> assertThat(line).contains("1 INVALID index(es) in schema " + schema.name())
                .contains("t_id_uq on t (DROP INDEX CONCURRENTLY IF EXISTS t_id_uq)"));
    }

    /**
     * A transaction the file opens itself, in a {@code transaction=false} file: {@code lock_timeout}
     * aborts it, and it is not retried (that retried into "current transaction is aborted", 25P02,
     * for the whole max-wait). The error says what was rolled back and what took effect.
     */
    @Test
    void aCancelledStatementInsideTheFilesOwnTransactionIsNotRetriedAndReportedAsTheRollbackItIs()
            throws Exception {
        files.add("1_block.up.sql", "-- lockstep:transaction=false\nCREATE TABLE before_block (id int);\nBEGIN;\n"
                + "CREATE TABLE in_block (id int);\nALTER TABLE t ADD COLUMN note text;\nCOMMIT;\n");
        try (Connection reader = schema.connect(); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.executeQuery("SELECT count(*) FROM t").close();
            assertThatThrownBy(() -> named().load().migrate())
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("1_block.up.sql failed at line 5")
                    .hasMessageContaining("[SQLState 55P03]")
                    .hasMessageContaining("not tried again: it ran inside the transaction the file opened at line 3")
                    .hasMessageContaining("the statements before line 3 took effect")
                    .hasMessageNotContaining("25P02")
                    .hasMessageNotContaining("lockstep.ddl.max-wait");
            reader.rollback();
        }
        assertThat(Sql.value(schema, "SELECT to_regclass('before_block') IS NOT NULL")).isEqualTo(true);
        assertThat(Sql.value(schema, "SELECT to_regclass('in_block') IS NOT NULL")).isEqualTo(false);
        assertThat(Sql.tracker(schema)).containsExactly("1_block:running");
    }

    /**
     * The build runs without a timeout and waits for the writer; its backend is terminated (a
     * server restart, a failover). The error is PostgreSQL's (57P01), with the file, the line and
     * the INVALID index it left; the next start finishes the migration by itself.
     */
    @Test
    void aBuildWhoseBackendIsTerminatedNamesItsErrorAndIndexAndTheNextStartFinishesIt() throws Exception {
        files.add("1_t_v_idx.up.sql", "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);");
        try (Connection writer = openWriter()) {
            CompletableFuture<MigrationReport> run = terminatedMidBuild("t_v_idx");
            assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("1_t_v_idx.up.sql failed at line 1")
                    .hasMessageContaining("[SQLState 57P01]")
                    .hasMessageContaining("The connection to PostgreSQL was lost")
                    .hasMessageContaining("the INVALID index t_v_idx")
                    .hasMessageContaining("the next start finishes it by itself")
                    .hasMessageNotContaining("This connection has been closed");
            writer.rollback();
        }
        assertThat(Sql.tracker(schema)).containsExactly("1_t_v_idx:running");
        assertThatThrownBy(() -> named().load().validate())
                .hasMessageContaining("1_t_v_idx.up.sql (interrupted; migrate finishes it");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(named().load().migrate().applied())
                .hasSize(1));
        assertThat(log).anySatisfy(line -> assertThat(line).contains("finishing what an interrupted run left"));
        assertThat(indexValid("t_v_idx")).isEqualTo(true);
        assertThat(Sql.tracker(schema)).containsExactly("1_t_v_idx:applied");
    }

    /** An interrupted migration that is not all concurrent index work still stops, naming the INVALID index. */
    @Test
    void anInterruptedMixedMigrationStillStopsAndNamesTheInvalidIndexesInItsSchema() throws Exception {
        files.add("1_mixed.up.sql", "CREATE TABLE u (id int);\nCREATE INDEX CONCURRENTLY t_v_idx ON t (v);");
        try (Connection writer = openWriter()) {
            CompletableFuture<MigrationReport> run = terminatedMidBuild("t_v_idx");
            assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).cause().hasMessageContaining("[SQLState 57P01]");
            writer.rollback();
        }
        assertThatThrownBy(() -> named().load().migrate())
                .hasMessageContaining("Migration 1_mixed was interrupted")
                .hasMessageContaining("INVALID indexes in " + schema.name())
                .hasMessageContaining("t_v_idx on t (DROP INDEX CONCURRENTLY IF EXISTS t_v_idx)");
    }

    /** The advice for 25001 never leads to a second error: a DO block cannot run CONCURRENTLY either way. */
    @Test
    void aConcurrentBuildInsideADoBlockIsAdvisedToMoveOutNotToRunOutsideATransaction() {
        files.add("1_do.up.sql", "DO $$ BEGIN EXECUTE 'CREATE INDEX CONCURRENTLY t_v_idx ON t (v)'; END $$;");
        assertThatThrownBy(() -> named().load().migrate())
                .hasMessageContaining("[SQLState 25001]")
                .hasMessageContaining("cannot run from a function or a DO block either")
                .hasMessageNotContaining("transaction=false");
        assertThat(trackerRows()).isZero();
    }

    private long trackerRows() {
        return Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations");
    }
}
