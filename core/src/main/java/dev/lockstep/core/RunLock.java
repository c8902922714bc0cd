package dev.lockstep.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/** Serializes runs across processes. The production implementation is {@link AdvisoryLock}. */
interface RunLock {

    /**
     * Blocks until this connection holds the lock, reporting waits to the listener.
     *
     * @return how long it waited
     * @throws LockTimeoutException when the lock is not free within the timeout
     */
    Duration acquire(Connection connection) throws SQLException;

    /** Releases the lock held by this connection. */
    void release(Connection connection) throws SQLException;
}
