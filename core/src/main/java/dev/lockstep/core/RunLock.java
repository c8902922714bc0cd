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
     * @param waitStartedNanos when this run started waiting ({@link System#nanoTime()}): earlier than
     *     now when a waiter lost its connection and waits on over a new one; the timeout counts from it
     * @return how long it waited, or {@code null} if {@code stillNeeded} said no first (the lock
     *     is then not held)
     * @throws LockTimeoutException when the lock is not free within the timeout
     */
    Duration acquire(Connection connection, StillNeeded stillNeeded, long waitStartedNanos) throws SQLException;

    /** Releases the lock held by this connection. */
    void release(Connection connection) throws SQLException;

    /**
     * One statement that fails unless the session running it holds the lock: the fence, run inside
     * each migration's transaction (and before each statement outside one), so a lost or released
     * lock stops the work instead of letting two runners in; {@code null}: no fence. Its failure's
     * message contains {@value #FENCE_MARKER}.
     */
    default String fenceSql() {
        return null;
    }

    /** In the message of a fence that failed, in any language the server speaks. */
    String FENCE_MARKER = "lockstep fence:";

    static boolean isFenceFailure(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains(FENCE_MARKER);
    }

    /** Whether a waiter still has work to do once it gets the lock. */
    @FunctionalInterface
    interface StillNeeded {
        boolean check() throws SQLException;
    }
}
