package dev.lockstep.core;

import java.time.Duration;
import java.util.List;

/**
 * Follows the engine's own runs and keeps where the latest stands, for health checks and gauges to
 * read at any moment from any thread ({@link Lockstep#progress()}). The engine always feeds it,
 * whoever built the engine and whatever listeners it was given.
 */
public final class RunProgress implements LockstepListener {

    /** The phases health reports, with their public names. */
    public enum Phase {
        NOT_STARTED("not-started"),
        WAITING_FOR_LOCK("waiting-for-lock"),
        MIGRATING("migrating"),
        COMPLETED("completed"),
        /** A preview ended: {@code pending} would run; nothing was applied. */
        PREVIEWED("previewed"),
        FAILED("failed");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * Where the run stands.
     *
     * @param applied migrations in the tracker, counting those this run applied so far
     * @param pending migrations this run has still to apply
     * @param current the file being applied, or {@code null}
     * @param lockWait how long the run waited (or has been waiting) for the lock
     * @param holder who holds the lock, while waiting
     * @param error why the run failed
     * @param blockedOn while the current migration waits for a lock, or retries for one: what it
     *     waited for last, and who held it
     * @param lockRetries how many attempts of the current migration were cancelled by {@code lock_timeout}
     */
    public record Snapshot(Phase phase, int applied, int pending, String current, Duration lockWait,
            LockHolder holder, String error, BlockedOn blockedOn, int lockRetries) {

        Snapshot(Phase phase, int applied, int pending, String current, Duration lockWait, LockHolder holder,
                String error) {
            this(phase, applied, pending, current, lockWait, holder, error, null, 0);
        }
    }

    private Snapshot snapshot = new Snapshot(Phase.NOT_STARTED, 0, 0, null, Duration.ZERO, null, null);
    private long waitStartedNanos;

    RunProgress() {
    }

    synchronized Snapshot snapshot() {
        if (snapshot.phase() == Phase.WAITING_FOR_LOCK) {
            return with(Phase.WAITING_FOR_LOCK, Duration.ofNanos(System.nanoTime() - waitStartedNanos),
                    snapshot.holder(), null);
        }
        return snapshot;
    }

    @Override
    public synchronized void runStarted(List<Migration> onDisk) {
        waitStartedNanos = System.nanoTime();
        snapshot = new Snapshot(Phase.WAITING_FOR_LOCK, 0, 0, null, Duration.ZERO, null, null);
    }

    @Override
    public synchronized void lockWaiting(LockHolder holder, Duration waited) {
        snapshot = with(Phase.WAITING_FOR_LOCK, waited, holder, null);
    }

    @Override
    public synchronized void lockAcquired(Duration waited) {
        snapshot = with(Phase.MIGRATING, waited, null, null);
    }

    @Override
    public synchronized void pendingResolved(List<Migration> pending, int alreadyApplied) {
        snapshot = new Snapshot(Phase.MIGRATING, alreadyApplied, pending.size(), null, snapshot.lockWait(), null, null);
    }

    @Override
    public synchronized void migrationStarted(Migration migration, int index, int total) {
        snapshot = new Snapshot(Phase.MIGRATING, snapshot.applied(), snapshot.pending(), migration.file(),
                snapshot.lockWait(), null, null);
    }

    @Override
    public synchronized void migrationWaiting(Migration migration, BlockedOn blockedOn, Duration waited) {
        snapshot = new Snapshot(Phase.MIGRATING, snapshot.applied(), snapshot.pending(), migration.file(),
                snapshot.lockWait(), null, null, blockedOn, snapshot.lockRetries());
    }

    @Override
    public synchronized void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
            BlockedOn blockedOn) {
        snapshot = new Snapshot(Phase.MIGRATING, snapshot.applied(), snapshot.pending(), migration.file(),
                snapshot.lockWait(), null, null, blockedOn != null ? blockedOn : snapshot.blockedOn(), attempt);
    }

    @Override
    public synchronized void migrationApplied(Migration migration, Duration took) {
        snapshot = new Snapshot(Phase.MIGRATING, snapshot.applied() + 1, snapshot.pending() - 1, null,
                snapshot.lockWait(), null, null);
    }

    @Override
    public synchronized void runFinished(MigrationReport report) {
        snapshot = new Snapshot(Phase.COMPLETED, report.alreadyApplied() + report.applied().size(), 0, null,
                report.lockWait(), null, null);
    }

    @Override
    public synchronized void previewFinished(MigrationPreview preview) {
        snapshot = new Snapshot(Phase.PREVIEWED, preview.alreadyApplied(), preview.pending().size(), null,
                Duration.ZERO, null, null);
    }

    @Override
    public synchronized void runFailed(LockstepException error, Duration took) {
        Duration lockWait = snapshot.phase() == Phase.WAITING_FOR_LOCK
                ? Duration.ofNanos(System.nanoTime() - waitStartedNanos) : snapshot.lockWait();
        snapshot = new Snapshot(Phase.FAILED, snapshot.applied(), snapshot.pending(), snapshot.current(), lockWait,
                snapshot.holder(), error.getMessage(), snapshot.blockedOn(), snapshot.lockRetries());
    }

    private Snapshot with(Phase phase, Duration lockWait, LockHolder holder, String error) {
        return new Snapshot(phase, snapshot.applied(), snapshot.pending(), snapshot.current(), lockWait, holder, error);
    }
}
