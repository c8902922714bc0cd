package dev.lockstep.core.internal.run;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.LockstepSettings.RequiresFinished;
import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.jobs.JobTable;
import dev.lockstep.core.internal.jobs.JobWorker;
import dev.lockstep.core.internal.lock.HeldLock;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code -- lockstep:requires-finished=<version>}: before such a migration runs, the job of that
 * batched migration must be finished. When it is not, the run either finishes it here, in the
 * foreground on the run's connection, under the job's lock (waiting while another process runs it),
 * with its progress in the log; or stops naming the job's state ({@code lockstep.jobs.requires-finished}).
 */
final class RequiredJobs {

    private static final System.Logger LOG = System.getLogger(RequiredJobs.class.getName());
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(500);

    private final JobsCommand jobs;
    private final RunSettings settings;
    private final Listeners listeners;
    private final JobTable table;
    private final Connection connection;

    RequiredJobs(Engine engine, JobTable table, Connection connection) {
        this.jobs = new JobsCommand(engine);
        this.settings = engine.settings();
        this.listeners = engine.listeners();
        this.table = table;
        this.connection = connection;
    }

    /** Returns once every job {@code migration} requires is finished; else fails naming it. */
    void ensure(LoadedMigration migration) throws SQLException {
        for (String version : migration.facts().requiresFinished()) {
            BatchedJob job = job(migration, version);
            if (job.state() == JobState.FINISHED) {
                continue;
            }
            RequiresFinished mode = settings.get(LockstepSettings.JOBS_REQUIRES_FINISHED);
            if (job.state() == JobState.FAILED || job.state() == JobState.PAUSED || mode == RequiresFinished.FAIL) {
                throw notFinished(migration, job, job.state() == JobState.FAILED
                        ? "Retry it once its cause is fixed (lockstep-cli retry " + version + "), then start again."
                        : job.state() == JobState.PAUSED
                        ? "An operator paused it: resume it (lockstep-cli resume " + version + ") and start again."
                        : "lockstep.jobs.requires-finished=fail: start again once it is finished (lockstep-cli jobs "
                                + "shows it), or set it to run to finish the job here first.");
            }
            LOG.log(Level.INFO, "Migration " + migration.file() + " requires the job of " + version + " finished, "
                    + "and it is " + job.state().label() + " (lockstep.jobs.requires-finished=run: it is finished "
                    + "first): " + job.describe());
            finish(migration, job, "before " + migration.file());
        }
    }

    /**
     * Runs the backfill of an expand/contract migration that changes a column's type to its end, here:
     * its new shape is shown only once every row has the new column filled.
     */
    void finishBackfill(LoadedMigration migration) throws SQLException {
        String version = migration.version().toString();
        BatchedJob job = job(migration, version);
        if (job.state() == JobState.FINISHED) {
            return;
        }
        if (job.state() == JobState.FAILED || job.state() == JobState.PAUSED) {
            throw notFinished(migration, job, job.state() == JobState.FAILED
                    ? "Its backfill failed: fix the cause, retry it (lockstep-cli retry --version=" + version + ") and "
                            + "start again; the new shape is shown once it is finished."
                    : "An operator paused its backfill: resume it (lockstep-cli resume --version=" + version + ") and "
                            + "start again.");
        }
        LOG.log(Level.INFO, "Migration " + migration.file() + " changes a column's type: backfilling the new column "
                + "in batches before the new shape is shown: " + job.describe());
        finish(migration, job, "before the new shape of " + migration.file() + " is shown");
    }

    private BatchedJob job(LoadedMigration migration, String version) throws SQLException {
        String wanted = MigrationVersion.parse(version).toString();
        Optional<BatchedJob> job = table.exists(connection) ? table.read(connection).stream().map(JobTable.Row::job)
                .filter(j -> j.version().equals(wanted)).findFirst() : Optional.empty();
        return job.orElseThrow(() -> new MigrationFailedException("Migration " + migration.file() + " was not applied: "
                + "it requires the job of " + version + " finished ('-- lockstep:requires-finished=" + version + "'), "
                + "but no batched migration of version " + version + " was applied here. Correct the version, or "
                + "apply that migration first.", migration.file(), 0, null));
    }

    /** Takes the job's lock (waiting while another process runs it) and runs the rest of its batches. */
    private void finish(LoadedMigration migration, BatchedJob job, String before) throws SQLException {
        long lastLog = System.nanoTime();
        while (true) {
            Optional<HeldLock> held = jobs.jobLock(table, job).tryAcquire(connection);
            if (held.isPresent()) {
                JobWorker.End end;
                try (HeldLock lock = held.get()) {
                    Optional<JobTable.Row> row = table.read(connection).stream()
                            .filter(r -> r.job().version().equals(job.version())).findFirst();
                    if (row.isEmpty() || !row.get().job().state().runnable()) {
                        end = JobWorker.End.NOT_RUNNABLE;
                    } else {
                        LOG.log(Level.INFO, "Running the rest of the job of " + job.version() + " here, "
                                + before);
                        end = new JobWorker(table, connection, lock, JobsCommand.limits(settings), new ProgressLog(),
                                settings.classLoader(), () -> Thread.currentThread().isInterrupted(),
                                table.displayName()).run(row.get());
                    }
                }
                BatchedJob now = current(job);
                if (now.state() != JobState.FINISHED) {
                    throw notFinished(migration, now, end == JobWorker.End.STOPPED ? "The run was interrupted."
                            : "Fix what stopped it, then start again.");
                }
                LOG.log(Level.INFO, "The job of " + job.version() + " is finished");
                return;
            }
            BatchedJob now = current(job);
            if (now.state() == JobState.FINISHED) {
                return;
            }
            if (!now.state().runnable()) {
                throw notFinished(migration, now, "It stopped while another process ran it.");
            }
            if (System.nanoTime() - lastLog > PROGRESS_EVERY.toNanos()) {
                LOG.log(Level.INFO, "Waiting for the job of " + job.version() + " that another process runs, "
                        + before + ": " + now.describe());
                lastLog = System.nanoTime();
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw notFinished(migration, now, "The run was interrupted.");
            }
        }
    }

    private BatchedJob current(BatchedJob job) throws SQLException {
        return table.read(connection).stream().map(JobTable.Row::job).filter(j -> j.version().equals(job.version()))
                .findFirst().orElse(job);
    }

    private static MigrationFailedException notFinished(LoadedMigration migration, BatchedJob job, String then) {
        return new MigrationFailedException("Migration " + migration.file() + " was not applied: it requires the job "
                + "of " + job.version() + " finished, and it is " + job.state().label() + ".\n  " + job.describe()
                + "\n  " + then, migration.file(), 0, null);
    }

    /** The engine's listeners, and a line in the log every few seconds while the job runs here. */
    private final class ProgressLog implements LockstepListener {
        private long lastLog = System.nanoTime();

        @Override
        public void jobBatchDone(BatchedJob job, long rows, Duration took) {
            listeners.jobBatchDone(job, rows, took);
            if (System.nanoTime() - lastLog > PROGRESS_EVERY.toNanos()) {
                LOG.log(Level.INFO, "Job " + job.describe());
                lastLog = System.nanoTime();
            }
        }

        @Override
        public void jobThrottled(BatchedJob job, String reason) {
            listeners.jobThrottled(job, reason);
        }

        @Override
        public void jobEnded(BatchedJob job) {
            listeners.jobEnded(job);
        }
    }
}
