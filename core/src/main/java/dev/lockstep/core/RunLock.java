package dev.lockstep.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/** Serializes runs across processes. The production implementation is {@link AdvisoryLock}. */
interface RunLock {

    /**
     * Blocks until this connection holds the lock, reporting waits to the listener. Between tries
     * it may ask {@code stillNeeded} whether the wait is still worth it.
     *
     * @return how long it waited, or {@code null} if {@code stillNeeded} said no first (the lock
     *     is then not held)
     * @throws LockTimeoutException when the lock is not free within the timeout
     */
    Duration acquire(Connection connection, StillNeeded stillNeeded) throws SQLException;

    /** Releases the lock held by this connection. */
    void release(Connection connection) throws SQLException;

    /** Whether a waiter still has work to do once it gets the lock. */
    @FunctionalInterface
    interface StillNeeded {
        boolean check() throws SQLException;
    }
}
