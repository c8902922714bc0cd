package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Undo is journaled like migrate: a down outside a transaction marks its row {@code undoing} before
 * its first statement, so an undo killed half-way is reported by info, validate and migrate instead
 * of shown as healthy; the operator ends it either way (mark-undone, mark-applied); a down of only
 * concurrent index drops is finished by the next migrate.
 */
class InterruptedUndoTest extends SchemaTestBase {

    @TempDir
    Path logs;

    private LockstepConfiguration named() {
        return configure().lockKey(schema.lockKey()).runnerName("undo-journal");
    }

    private String undoer() {
        return "undoer_" + schema.name();
    }

    /** Two tables dropped outside a transaction, with a pause between the drops only the undoer sleeps in. */
    private void twoTablesWithASlowDown() {
        files.add("1_tables.up.sql", "CREATE TABLE d (id int);\nCREATE TABLE e (id int);")
                .add("1_tables.down.sql", "-- lockstep:transaction=false\nDROP TABLE e;\nSELECT pg_sleep(CASE WHEN "
                        + "current_setting('application_name') LIKE 'lockstep undo " + undoer() + "@%' THEN "
                        + VictimSleep.seconds() + " ELSE 0 END);\nDROP TABLE d;\n");
    }

    /** Starts the undo in its own JVM, waits until it sleeps between the drops, and kills it with SIGKILL. */
    private void killUndoMidDown() throws Exception {
        Process undo = RunnerProcess.startUndo(schema, files.location(), undoer(), 1, logs.resolve("undo.log"));
        try {
            assertThat(Poll.until(Duration.ofSeconds(60), () -> Sql.count(schema, "SELECT count(*) FROM "
                    + "pg_stat_activity WHERE application_name LIKE 'lockstep undo " + undoer() + "@%' AND state = "
                    + "'active' AND wait_event = 'PgSleep'") > 0)).as("the undo sleeps between its drops").isTrue();
        } finally {
            undo.destroyForcibly();
            assertThat(undo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // Its backend notices the dead client within a second (client_connection_check_interval) and frees the
        // lock; on PostgreSQL 13, when the short sleep ends (VictimSleep).
        assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.count(schema, "SELECT count(*) FROM pg_stat_activity "
                + "WHERE application_name LIKE 'lockstep undo " + undoer() + "@%'") == 0)).isTrue();
    }

    @Test
    void anUndoKilledMidDownIsReportedByInfoValidateAndMigrateUntilAnOperatorEndsIt() throws Exception {
        twoTablesWithASlowDown();
        named().load().migrate();

        killUndoMidDown();

        assertThat(Sql.value(schema, "SELECT to_regclass('e')")).as("the first drop took effect").isNull();
        assertThat(Sql.value(schema, "SELECT to_regclass('d') IS NOT NULL")).isEqualTo(true);
        assertThat(Sql.tracker(schema)).containsExactly("1_tables:undoing");
        assertThat(named().load().info()).extracting(MigrationInfo::state).containsExactly(MigrationState.UNDOING);
        for (ThrowingCall call : List.<ThrowingCall>of(() -> named().load().validate(), () -> named().load().migrate(),
                () -> named().load().undo(UndoTarget.last(1), null))) {
            assertThatThrownBy(call::call).isInstanceOf(LockstepException.class)
                    .hasMessageContaining("1_tables")
                    .hasMessageContaining("'undoing'")
                    .hasMessageContaining("mark-undone --version=1")
                    .hasMessageContaining("mark-applied --version=1");
        }
        assertThat(Sql.tracker(schema)).as("nothing said what did not happen").containsExactly("1_tables:undoing");

        // The operator finishes the down by hand and says so; the next migrate applies the migration again.
        Sql.execute(schema, "DROP TABLE d");
        named().load().repair(RepairAction.MARK_UNDONE, MigrationVersion.parse("1"), null);
        assertThat(Sql.tracker(schema)).containsExactly("1_tables:undone");
        assertThat(named().load().migrate().applied()).hasSize(1);
        assertThat(Sql.tracker(schema)).containsExactly("1_tables:applied");
    }

    @Test
    void anOperatorWhoPutsBackWhatTheDownDidMarksTheRowAppliedAgain() throws Exception {
        twoTablesWithASlowDown();
        named().load().migrate();
        killUndoMidDown();

        assertThatThrownBy(() -> named().load().repair(RepairAction.MARK_DONE, MigrationVersion.parse("1"), null))
                .hasMessageContaining("is not interrupted");
        Sql.execute(schema, "CREATE TABLE e (id int)");
        named().load().repair(RepairAction.MARK_APPLIED, MigrationVersion.parse("1"), null);

        assertThat(Sql.tracker(schema)).containsExactly("1_tables:applied");
        assertThat(named().load().validate().alreadyApplied()).isEqualTo(1);
        assertThatThrownBy(() -> named().load().repair(RepairAction.MARK_APPLIED, MigrationVersion.parse("1"), null))
                .hasMessageContaining("has no interrupted undo");
    }

    @Test
    void aDownOfConcurrentIndexDropsKilledWhileWaitingIsFinishedByTheNextMigrate() throws Exception {
        Sql.execute(schema, "CREATE TABLE t (id int, v int)");
        files.add("1_t_v.up.sql", "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);")
                .add("1_t_v.down.sql", "DROP INDEX CONCURRENTLY t_v_idx;");
        named().load().migrate();
        CompletableFuture<UndoPlan> undo;
        try (Connection writer = schema.connect(); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (1, 1)"); // the drop waits for this transaction, by design
            undo = CompletableFuture.supplyAsync(() -> named().load().undo(UndoTarget.last(1), null));
            assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.count(schema, "SELECT count(*) FROM "
                    + "pg_stat_activity WHERE application_name LIKE 'lockstep undo undo-journal@%' AND state = 'active' "
                    + "AND query LIKE 'DROP INDEX%'") > 0)).as("the drop waits for the writer").isTrue();
            Sql.value(schema, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                    + "'lockstep undo undo-journal@%'");
            assertThatThrownBy(() -> undo.get(30, TimeUnit.SECONDS)).cause()
                    .hasMessageContaining("1_t_v.down.sql at line 1")
                    .hasMessageContaining("says 'undoing'")
                    .hasMessageContaining("Every statement of it is a concurrent index drop");
            writer.rollback();
        }
        assertThat(Sql.tracker(schema)).containsExactly("1_t_v:undoing");
        assertThatThrownBy(() -> named().load().validate()).hasMessageContaining("'undoing'");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> named().load().migrate());

        assertThat(log).anySatisfy(line -> assertThat(line).contains("The undo of 1_t_v was interrupted")
                .contains("this run finishes it"));
        assertThat(Sql.tracker(schema)).as("finished, then applied again as after any undo")
                .containsExactly("1_t_v:applied");
        assertThat(Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('t_v_idx')"))
                .isEqualTo(true);
    }

    @Test
    void aDownWhoseFirstStatementFailsLeavesTheRowAppliedAndSaysSo() {
        files.add("1_t.up.sql", "CREATE TABLE t (id int);")
                .add("1_t.down.sql", "-- lockstep:transaction=false\nDROP TABLE no_such_table;\nDROP TABLE t;\n");
        named().load().migrate();

        assertThatThrownBy(() -> named().load().undo(UndoTarget.last(1), null))
                .hasMessageContaining("1_t.down.sql at line 2")
                .hasMessageContaining("[SQLState 42P01]")
                .hasMessageContaining("No statement of it took effect")
                .hasMessageContaining("its row is 'applied' again");
        assertThat(Sql.tracker(schema)).containsExactly("1_t:applied");
    }

    @Test
    void aDownOnAReadOnlyServerIsRefusedAsReadOnlyNotBlamedOnTheDown() {
        files.add("1_t.up.sql", "CREATE TABLE t (id int);").add("1_t.down.sql", "DROP TABLE t;");
        named().load().migrate();
        org.postgresql.ds.PGSimpleDataSource readOnly = (org.postgresql.ds.PGSimpleDataSource) schema.dataSource();
        readOnly.setOptions("-c default_transaction_read_only=on");

        assertThatThrownBy(() -> named().dataSource(readOnly).load().undo(UndoTarget.last(1), null))
                .hasMessageContaining("Lockstep cannot undo migrations in")
                .hasMessageContaining("read-only")
                .hasMessageNotContaining("Fix the down");
        assertThat(Sql.tracker(schema)).containsExactly("1_t:applied");
    }

    @Test
    void aTrackerFromBeforeTheJournalLearnsTheUndoingStateUnderTheLock() {
        Sql.execute(schema, "CREATE TABLE lockstep_applied_migrations (version bigint NOT NULL, "
                + "version_text text NOT NULL DEFAULT '', name text NOT NULL, checksum text, state text NOT NULL "
                + "CONSTRAINT lockstep_applied_migrations_state_check CHECK (state IN ('applied', 'running', "
                + "'undone')), applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint, applied_by text, "
                + "down_sql text, down_checksum text, down_file text, undone_at timestamptz, undone_by text, "
                + "PRIMARY KEY (version, version_text, name))");
        Sql.execute(schema, "CREATE TABLE t (id int, v int)");
        files.add("1_t_v.up.sql", "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);")
                .add("1_t_v.down.sql", "DROP INDEX CONCURRENTLY t_v_idx;");
        named().load().migrate();

        named().load().undo(UndoTarget.last(1), null);

        assertThat(Sql.tracker(schema)).containsExactly("1_t_v:undone");
        assertThat(Sql.value(schema, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                + "'lockstep_applied_migrations_state_check' AND connamespace = '" + schema.name()
                + "'::regnamespace")).asString().contains("undoing");
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void call() throws Exception;
    }
}
