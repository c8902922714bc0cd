package dev.lockstep.core;

import java.time.Duration;
import java.util.List;

/**
 * Receives the events of a run, for health, metrics or logs. Every method has an empty default.
 * Lockstep calls listeners on the migrating thread and catches what they throw: a failing listener
 * is logged and never fails a run.
 */
public interface LockstepListener {

    /** The run started; files are read and valid, no lock yet. */
    default void runStarted(List<Migration> onDisk) {
    }

    /**
     * The lock is taken by another session. Called after a second of waiting (or the report
     * interval, if shorter) and then every report interval.
     *
     * @param holder who holds it, or {@code null} if it was released between the try and the look
     */
    default void lockWaiting(LockHolder holder, Duration waited) {
    }

    /** This run holds the lock. */
    default void lockAcquired(Duration waited) {
    }

    /**
     * Another runner applied everything while this one waited, so it stopped waiting without
     * taking the lock; {@code waited} is how long it waited.
     */
    default void lockNotNeeded(Duration waited) {
    }

    /** The lock could not be taken: timed out ({@link LockTimeoutException}) or failed. */
    default void lockFailed(Duration waited, LockstepException error) {
    }

    /** The tracker was read and checked against the files: these will be applied, in this order. */
    default void pendingResolved(List<Migration> pending, int alreadyApplied) {
    }

    /** A migration is about to run; {@code index} counts from 1 up to {@code total}. */
    default void migrationStarted(Migration migration, int index, int total) {
    }

    /**
     * A migration statement is waiting for a lock held by other sessions, as seen from another
     * session about every 200 ms while it waits (not at all for waits shorter than that).
     *
     * @param waited how long this wait has been seen
     */
    default void migrationWaiting(Migration migration, BlockedOn blockedOn, Duration waited) {
    }

    /**
     * PostgreSQL cancelled a migration statement that waited longer than
     * {@code lockstep.ddl.lock-timeout} for a lock; its transaction (or, outside a transaction,
     * the statement alone) was rolled back and is tried again after {@code pause}.
     *
     * @param attempt the attempt that was cancelled, from 1
     * @param waited since the migration's first attempt started
     * @param blockedOn what it waited for and who held it, or {@code null} when that could not be seen
     */
    default void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
            BlockedOn blockedOn) {
    }

    default void migrationApplied(Migration migration, Duration took) {
    }

    default void migrationFailed(Migration migration, Duration took, LockstepException error) {
    }

    default void runFinished(MigrationReport report) {
    }

    /**
     * A preview ({@link Lockstep#preview()}) read the tracker and the files and found what a
     * migrate would run; nothing was applied.
     */
    default void previewFinished(MigrationPreview preview) {
    }

    default void runFailed(LockstepException error, Duration took) {
    }

    /**
     * A batch of a batched migration's job committed, with the job's progress.
     *
     * @param job the job after the batch
     * @param rows the rows the batch changed
     * @param took the batch's transaction, from its first statement to its commit
     */
    default void jobBatchDone(BatchedJob job, long rows, Duration took) {
    }

    /**
     * A job waited before a batch: a batch hit {@code lockstep.jobs.lock-timeout} and runs again, or
     * replication lag or the server's active sessions passed their limit.
     *
     * @param reason what it waited for, e.g. {@code lock_timeout}, {@code replication lag 12 s}
     */
    default void jobThrottled(BatchedJob job, String reason) {
    }

    /** A worker stopped running a job: it finished, failed, was paused, or the worker was stopped. */
    default void jobEnded(BatchedJob job) {
    }
}
