package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batched migrations in one process: the migration records a job and runs nothing at start; the
 * batches run when asked, each in its own transaction with the job's progress; a failing batch stops
 * the job naming its key range; a later migration can require the job finished; an operator pauses,
 * resumes and retries; bad files are refused naming the line.
 */
class BatchedMigrationTest extends SchemaTestBase {

    private static final int ROWS = 5_000;

    @BeforeEach
    void table() {
        files.add("1_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY, email text, email_lower text, n int NOT NULL "
                + "DEFAULT 0);\nINSERT INTO items (id, email) SELECT i * 3, 'User' || i || '@Example.com' FROM "
                + "generate_series(1, " + ROWS + ") i");
    }

    private void backfill() {
        files.add("2_backfill_email.up.sql", "-- lockstep:batched table=items key=id\n"
                + "UPDATE items SET email_lower = lower(email), n = n + 1 WHERE id >= ${batch.from} AND id < ${batch.to}");
    }

    private BatchedJob job(Lockstep lockstep) {
        List<BatchedJob> jobs = lockstep.jobs();
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

    @Test
    void theMigrationRecordsAJobAndTheBatchesRunAfterIt() {
        backfill();
        Lockstep lockstep = configure().set(LockstepSettings.JOBS_BATCH_SIZE, 700).load();
        MigrationReport report = lockstep.migrate();

        assertThat(report.applied()).hasSize(2);
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE email_lower IS NOT NULL")).isZero();
        BatchedJob pending = job(lockstep);
        assertThat(pending.state()).isEqualTo(JobState.PENDING);
        assertThat(pending.table()).isEqualTo("items");
        assertThat(pending.estimatedRows()).isEqualTo(ROWS);

        List<BatchedJob> ran = lockstep.runJobs();

        assertThat(ran).singleElement().extracting(BatchedJob::state).isEqualTo(JobState.FINISHED);
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE email_lower = lower(email) AND n = 1"))
                .isEqualTo(ROWS);
        BatchedJob done = job(lockstep);
        assertThat(done.rowsDone()).isEqualTo(ROWS);
        assertThat(done.batches()).isGreaterThan(1);
        assertThat(done.finishedAt()).isPresent();
        assertThat(done.describe()).startsWith("2 backfill_email (items by id): finished, 5000 of ~5000 rows");
        assertThat(lockstep.runJobs()).as("nothing is left to run").isEmpty();
    }

    @Test
    void aJavaClassDoesWhatOneStatementCannot() {
        files.add("2_backfill_in_java.up.sql", "-- lockstep:batched table=items key=id class="
                + LowerEmails.class.getName() + "\n");
        Lockstep lockstep = configure().load();
        lockstep.migrate();
        lockstep.runJobs();

        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE email_lower = lower(email)")).isEqualTo(ROWS);
        assertThat(job(lockstep).rowsDone()).isEqualTo(ROWS);
    }

    /** The Java form of the backfill. */
    public static final class LowerEmails implements BatchedMigration {
        @Override
        public long apply(Connection connection, long from, long to) throws SQLException {
            try (Statement s = connection.createStatement()) {
                return s.executeUpdate("UPDATE items SET email_lower = lower(email) WHERE id >= " + from + " AND id < "
                        + to);
            }
        }
    }

    @Test
    void aFailingBatchStopsTheJobNamingItsKeyRangeAndNothingAfterItRuns() {
        files.add("2_breaks_at_3000.up.sql", "-- lockstep:batched table=items key=id\n"
                + "UPDATE items SET n = n + 1 / (id - 3000)::int + 1 WHERE id >= ${batch.from} AND id < ${batch.to}");
        Lockstep lockstep = configure().set(LockstepSettings.JOBS_BATCH_SIZE, 100)
                .set(LockstepSettings.JOBS_MAX_ATTEMPTS, 2).load();
        lockstep.migrate();

        List<BatchedJob> ran = lockstep.runJobs();

        BatchedJob failed = ran.get(0);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error()).get().asString()
                .contains("Batch [", "division by zero", "(2 attempt(s))", "Statement: UPDATE items SET n = n + 1 / (id - 3000)");
        String range = failed.error().get().replaceAll("(?s)^Batch \\[(\\d+), (\\d+)\\).*", "$1 $2");
        long from = Long.parseLong(range.split(" ")[0]);
        long to = Long.parseLong(range.split(" ")[1]);
        assertThat(from).isLessThanOrEqualTo(3000);
        assertThat(to).isGreaterThan(3000);
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n > 0 AND id >= " + from)).isZero();
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n = 0 AND id < " + from)).isZero();
        assertThat(lockstep.runJobs()).as("a failed job does not run again by itself").isEmpty();

        BatchedJob retried = lockstep.retryJob("2");
        assertThat(retried.state()).isEqualTo(JobState.RUNNING);
        assertThat(retried.error()).isEmpty();
        assertThat(lockstep.runJobs()).singleElement().extracting(BatchedJob::state).isEqualTo(JobState.FAILED);
    }

    @Test
    void pausedJobsRunNoBatchUntilResumed() {
        backfill();
        Lockstep lockstep = configure().load();
        lockstep.migrate();

        assertThat(lockstep.pauseJob("2").state()).isEqualTo(JobState.PAUSED);
        assertThat(lockstep.runJobs()).isEmpty();
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n > 0")).isZero();
        assertThatThrownBy(() -> lockstep.pauseJob("2")).hasMessageContaining("it is paused");
        assertThatThrownBy(() -> lockstep.retryJob("2")).hasMessageContaining("retry acts on a failed job");

        assertThat(lockstep.resumeJob("2").state()).isEqualTo(JobState.PENDING);
        lockstep.runJobs();
        assertThat(job(lockstep).state()).isEqualTo(JobState.FINISHED);
    }

    @Test
    void aMigrationThatRequiresTheJobFinishedRunsItFirstByDefault() {
        backfill();
        files.add("3_email_lower_not_null.up.sql", "-- lockstep:requires-finished=2\n"
                + "ALTER TABLE items ALTER COLUMN email_lower SET NOT NULL");
        Lockstep lockstep = configure().set(LockstepSettings.JOBS_BATCH_SIZE, 500).load();

        MigrationReport report = lockstep.migrate();

        assertThat(report.applied()).hasSize(3);
        assertThat(job(lockstep).state()).isEqualTo(JobState.FINISHED);
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n = 1")).isEqualTo(ROWS);
    }

    @Test
    void orFailsWithTheJobsStateWhenTheUserSaysSo() {
        backfill();
        configure().load().migrate();
        files.add("3_email_lower_not_null.up.sql", "-- lockstep:requires-finished=2\n"
                + "ALTER TABLE items ALTER COLUMN email_lower SET NOT NULL");
        Lockstep failing = configure().set(LockstepSettings.JOBS_REQUIRES_FINISHED,
                LockstepSettings.RequiresFinished.FAIL).load();

        assertThatThrownBy(failing::migrate).isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("3_email_lower_not_null.up.sql was not applied: it requires the job of 2 finished, "
                        + "and it is pending")
                .hasMessageContaining("lockstep.jobs.requires-finished=fail");
        assertThat(Sql.tracker(schema)).hasSize(2);
    }

    @Test
    void aPausedRequiredJobFailsTheRunEvenWhenItWouldRunIt() {
        backfill();
        Lockstep lockstep = configure().load();
        lockstep.migrate();
        lockstep.pauseJob("2");
        files.add("3_needs_it.up.sql", "-- lockstep:requires-finished=2\nSELECT 1");

        assertThatThrownBy(lockstep::migrate).hasMessageContaining("it is paused")
                .hasMessageContaining("lockstep-cli resume 2");
    }

    @Test
    void undoingABatchedMigrationRemovesItsJob() {
        backfill();
        files.add("2_backfill_email.down.sql", "UPDATE items SET email_lower = NULL, n = 0");
        Lockstep lockstep = configure().load();
        lockstep.migrate();
        lockstep.runJobs();

        lockstep.undo(UndoTarget.last(1), null);

        assertThat(lockstep.jobs()).isEmpty();
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n > 0")).isZero();
        lockstep.migrate();
        assertThat(job(lockstep).state()).as("applied again, the job starts anew").isEqualTo(JobState.PENDING);
    }

    @Test
    void badBatchedFilesAreRefusedNamingTheLine() {
        files.add("2_no_key.up.sql", "-- lockstep:batched table=items\nUPDATE items SET n = 1 WHERE id >= ${batch.from} "
                + "AND id < ${batch.to}");
        assertThatThrownBy(this::migrate).hasMessageContaining("2_no_key.up.sql, line 1")
                .hasMessageContaining("names no key");
        files.delete("2_no_key.up.sql");

        files.add("2_no_range.up.sql", "-- lockstep:batched table=items key=id\nUPDATE items SET n = 1 WHERE id >= "
                + "${batch.from}");
        assertThatThrownBy(this::migrate).hasMessageContaining("2_no_range.up.sql, line 2")
                .hasMessageContaining("lacks ${batch.to}");
        files.delete("2_no_range.up.sql");

        files.add("2_two.up.sql", "-- lockstep:batched table=items key=id\nUPDATE items SET n = 1 WHERE id >= "
                + "${batch.from} AND id < ${batch.to};\nUPDATE items SET n = 2");
        assertThatThrownBy(this::migrate).hasMessageContaining("exactly one statement");
        files.delete("2_two.up.sql");

        files.add("2_not_batched.up.sql", "UPDATE items SET n = 1 WHERE id >= ${batch.from} AND id < ${batch.to}");
        assertThatThrownBy(this::migrate).hasMessageContaining("2_not_batched.up.sql, line 1")
                .hasMessageContaining("filled only in a batched migration");
        files.delete("2_not_batched.up.sql");

        files.add("2_text_key.up.sql", "-- lockstep:batched table=items key=email\nUPDATE items SET n = 1 WHERE email >= "
                + "${batch.from} AND email < ${batch.to}");
        assertThatThrownBy(this::migrate).hasMessageContaining("the key email of items is text")
                .hasMessageContaining("Nothing was recorded");
        files.delete("2_text_key.up.sql");

        files.add("2_no_index.up.sql", "-- lockstep:batched table=items key=n\nUPDATE items SET n = 1 WHERE n >= "
                + "${batch.from} AND n < ${batch.to}");
        assertThatThrownBy(this::migrate).hasMessageContaining("no valid btree index of items starts with n");
        files.delete("2_no_index.up.sql");

        assertThat(Sql.tracker(schema)).hasSize(1);
        assertThat(configure().load().jobs()).isEmpty();
    }
}
