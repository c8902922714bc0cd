package dev.lockstep.core.internal.lock;

import dev.lockstep.core.LockstepListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Serializes runs across processes, on the run's pinned connection. The production lock is
 * {@link AdvisoryLock}; tests swap in others to prove that their concurrency checks fail without it.
 */
public interface RunLock {

    /**
     * Waits until this connection holds the lock, reporting the wait. Between tries it asks
     * {@code doneByOthers} whether another runner already did the work, and if so stops waiting.
     *
     * @param waitStartedNanos when this run started waiting ({@link System#nanoTime()}): earlier than
     *     now when a waiter lost its connection and waits on over a new one; the timeout counts from it
     * @return the lock, held, or why it is no longer needed
     * @throws dev.lockstep.core.LockTimeoutException when the lock is not free within the timeout
     */
    <T> LockAcquisition<T> acquire(Connection connection, DoneByOthers<T> doneByOthers, long waitStartedNanos)
            throws SQLException;

    /** Takes the lock if it is free now, without waiting: for operator actions that must not queue. */
    Optional<HeldLock> tryAcquire(Connection connection) throws SQLException;

    /** Builds the run's lock: production passes {@code AdvisoryLock::new}. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param timeout how long to wait for another runner's lock
         * @param reportInterval how often to tell {@code listener} who holds it while waiting
         */
        RunLock create(long key, Duration timeout, Duration reportInterval, LockstepListener listener);
    }

    /** Whether another runner finished the work while this one waited: what it found done, or empty. */
    @FunctionalInterface
    interface DoneByOthers<T> {
        Optional<T> check() throws SQLException;
    }
}
