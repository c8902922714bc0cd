package dev.lockstep.core.internal.run;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.internal.jobs.JobAction;
import dev.lockstep.core.internal.jobs.JobTable;
import dev.lockstep.core.internal.jobs.JobWorker;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.lock.RunLock;
import dev.lockstep.core.internal.session.PinnedSession;
import dev.lockstep.core.internal.session.SessionState;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The jobs of batched migrations in one target: list them, act on one (pause, resume, retry), and
 * run those that may run ({@link JobWorker}), each under its own lock taken without waiting, so
 * that a job another process runs is left to it, and taken over once that process is gone.
 */
public final class JobsCommand {

    private final Engine engine;

    public JobsCommand(Engine engine) {
        this.engine = engine;
    }

    /** Every job of the target, with who runs each now; empty when there is no job (or no tracker). */
    public List<BatchedJob> list() {
        try (Connection connection = engine.target().connect()) {
            Optional<JobTable> table = table(connection);
            return table.isEmpty() ? List.of()
                    : table.get().read(connection).stream().map(JobTable.Row::job).toList();
        } catch (SQLException e) {
            throw failure("read the jobs", e);
        }
    }

    /** Pauses, resumes or retries the job of {@code version}; returns it as it is now. */
    public BatchedJob act(String version, JobAction action) {
        try (Connection connection = engine.target().connect()) {
            engine.target().requireWritable(connection, action.name().toLowerCase(java.util.Locale.ROOT) + " a job in");
            Optional<JobTable> table = table(connection);
            if (table.isEmpty()) {
                throw new LockstepException("There is no batched migration's job in " + where(connection) + ": no "
                        + "migration with '-- lockstep:batched' was applied here");
            }
            return table.get().act(connection, version, action);
        } catch (SQLException e) {
            throw failure("change the job", e);
        }
    }

    /**
     * Runs every job that may run and that no other session runs, one after another, each to its
     * end (finished, failed, paused) or until {@code stop} says so.
     *
     * @return each job this call ran, as it ended
     */
    public List<BatchedJob> runAvailable(BooleanSupplier stop) {
        List<BatchedJob> ran = new ArrayList<>();
        try (Connection connection = engine.connector().connect()) {
            Optional<JobTable> table = table(connection);
            if (table.isEmpty() || table.get().read(connection).stream().noneMatch(r -> r.job().state().runnable())) {
                return ran;
            }
            engine.target().requireWritable(connection, "run batched migrations in");
            engine.parts().sessionPinning().require(connection, engine.target().dataSource());
            PinnedSession session = PinnedSession.pin(connection, engine.target().dataSource());
            try {
                SessionState captured = session.configure("lockstep jobs " + engine.runner(), Optional.empty(), Set.of());
                captured.with(engine.target().sessionSettings(connection)).restore(connection);
                for (JobTable.Row row : table.get().read(connection)) {
                    if (stop.getAsBoolean()) {
                        break;
                    }
                    if (row.job().state().runnable()) {
                        runIfFree(connection, table.get(), row, stop).ifPresent(ran::add);
                    }
                }
            } finally {
                session.putBack();
            }
            return ran;
        } catch (SQLException e) {
            throw failure("run the batched migrations", e);
        }
    }

    /** Runs one job when its lock is free; empty when another session holds it. */
    private Optional<BatchedJob> runIfFree(Connection connection, JobTable table, JobTable.Row row,
            BooleanSupplier stop) throws SQLException {
        Optional<HeldLock> held = jobLock(table, row.job()).tryAcquire(connection);
        if (held.isEmpty()) {
            return Optional.empty();
        }
        try (HeldLock lock = held.get()) {
            // Read again under the lock: another worker may have finished it since the list was read.
            Optional<JobTable.Row> now = table.read(connection).stream()
                    .filter(r -> r.job().version().equals(row.job().version()) && r.job().name().equals(row.job().name()))
                    .findFirst();
            if (now.isEmpty() || !now.get().job().state().runnable()) {
                return Optional.empty();
            }
            new JobWorker(table, connection, lock, limits(engine.settings()), engine.listeners(),
                    engine.settings().classLoader(), () -> stop.getAsBoolean() || Thread.currentThread().isInterrupted(),
                    where(connection)).run(now.get());
        }
        return table.read(connection).stream()
                .filter(r -> r.job().version().equals(row.job().version()) && r.job().name().equals(row.job().name()))
                .map(JobTable.Row::job).findFirst();
    }

    RunLock jobLock(JobTable table, BatchedJob job) {
        return engine.parts().locks().create(table.lockKey(job.version(), job.name()),
                engine.settings().get(LockstepSettings.LOCK_TIMEOUT), engine.settings().get(LockstepSettings.LOCK_REPORT_INTERVAL),
                engine.listeners());
    }

    /** The jobs' table of this target, when it exists. */
    private Optional<JobTable> table(Connection connection) throws SQLException {
        Tracker tracker = engine.target().tracker(connection);
        JobTable table = new JobTable(tracker, engine.target().table(), engine.target().lockKey(tracker));
        return table.exists(connection) ? Optional.of(table) : Optional.empty();
    }

    private String where(Connection connection) throws SQLException {
        return engine.target().tracker(connection).displayName()
                + engine.target().tenant().map(t -> " (tenant " + t + ")").orElse("");
    }

    /** The settings that size, pace and retry batches. */
    static JobWorker.Limits limits(RunSettings settings) {
        return new JobWorker.Limits(settings.get(LockstepSettings.JOBS_BATCH_SIZE),
                settings.get(LockstepSettings.JOBS_MIN_BATCH_SIZE), settings.get(LockstepSettings.JOBS_MAX_BATCH_SIZE),
                settings.get(LockstepSettings.JOBS_BATCH_DURATION), settings.get(LockstepSettings.JOBS_PAUSE),
                settings.get(LockstepSettings.JOBS_LOCK_TIMEOUT), settings.get(LockstepSettings.JOBS_MAX_ATTEMPTS),
                settings.find(LockstepSettings.JOBS_MAX_REPLICATION_LAG),
                settings.find(LockstepSettings.JOBS_MAX_ACTIVE_SESSIONS));
    }

    private LockstepException failure(String what, SQLException e) {
        return new LockstepException("Could not " + what + engine.target().tenant().map(t -> " of tenant " + t).orElse("")
                + ": " + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }

    /** Whether a state lets a later migration that requires the job run. */
    static boolean done(JobState state) {
        return state == JobState.FINISHED;
    }
}
