package dev.lockstep.core.internal.run;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.BlockedOn;
import dev.lockstep.core.LockHolder;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationPreview;
import dev.lockstep.core.MigrationReport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Fans events out to every listener; a listener that throws is logged and the run goes on. */
public final class Listeners implements LockstepListener {

    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private final CopyOnWriteArrayList<LockstepListener> listeners;

    public Listeners(List<LockstepListener> listeners) {
        this.listeners = new CopyOnWriteArrayList<>(listeners);
    }

    /** Adds a listener unless it is there already, so attaching one twice is harmless. */
    public void add(LockstepListener listener) {
        listeners.addIfAbsent(listener);
    }

    private void each(String event, Consumer<LockstepListener> call) {
        for (LockstepListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Lockstep listener " + listener.getClass().getName() + " failed on " + event
                        + "; the run goes on", e);
            }
        }
    }

    @Override
    public void runStarted(List<Migration> onDisk) {
        each("runStarted", l -> l.runStarted(onDisk));
    }

    @Override
    public void lockWaiting(LockHolder holder, Duration waited) {
        each("lockWaiting", l -> l.lockWaiting(holder, waited));
    }

    @Override
    public void lockAcquired(Duration waited) {
        each("lockAcquired", l -> l.lockAcquired(waited));
    }

    @Override
    public void lockNotNeeded(Duration waited) {
        each("lockNotNeeded", l -> l.lockNotNeeded(waited));
    }

    @Override
    public void previewFinished(MigrationPreview preview) {
        each("previewFinished", l -> l.previewFinished(preview));
    }

    @Override
    public void lockFailed(Duration waited, LockstepException error) {
        each("lockFailed", l -> l.lockFailed(waited, error));
    }

    @Override
    public void pendingResolved(List<Migration> pending, int alreadyApplied) {
        each("pendingResolved", l -> l.pendingResolved(pending, alreadyApplied));
    }

    @Override
    public void migrationStarted(Migration migration, int index, int total) {
        each("migrationStarted", l -> l.migrationStarted(migration, index, total));
    }

    @Override
    public void migrationWaiting(Migration migration, BlockedOn blockedOn, Duration waited) {
        each("migrationWaiting", l -> l.migrationWaiting(migration, blockedOn, waited));
    }

    @Override
    public void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
            BlockedOn blockedOn) {
        each("migrationLockRetry", l -> l.migrationLockRetry(migration, attempt, waited, pause, blockedOn));
    }

    @Override
    public void migrationApplied(Migration migration, Duration took) {
        each("migrationApplied", l -> l.migrationApplied(migration, took));
    }

    @Override
    public void migrationFailed(Migration migration, Duration took, LockstepException error) {
        each("migrationFailed", l -> l.migrationFailed(migration, took, error));
    }

    @Override
    public void runFinished(MigrationReport report) {
        each("runFinished", l -> l.runFinished(report));
    }

    @Override
    public void runFailed(LockstepException error, Duration took) {
        each("runFailed", l -> l.runFailed(error, took));
    }

    @Override
    public void jobBatchDone(BatchedJob job, long rows, Duration took) {
        each("jobBatchDone", l -> l.jobBatchDone(job, rows, took));
    }

    @Override
    public void jobThrottled(BatchedJob job, String reason) {
        each("jobThrottled", l -> l.jobThrottled(job, reason));
    }

    @Override
    public void jobEnded(BatchedJob job) {
        each("jobEnded", l -> l.jobEnded(job));
    }
}
