package dev.lockstep.core.internal.lock;

import java.sql.SQLException;

/**
 * The run lock, held by the pinned session. Closing it releases the lock; the fence proves that the
 * session still holds it, so work runs only while it does.
 */
public interface HeldLock extends AutoCloseable {

    /** In the message of a fence that failed, in any language the server speaks. */
    String FENCE_MARKER = "lockstep fence:";

    /**
     * One statement that fails unless the session running it holds the lock: run inside each
     * migration's transaction (and before each statement outside one), so a lost or released lock
     * stops the work instead of letting two runners in. Its failure's message contains
     * {@value #FENCE_MARKER}.
     */
    String fenceSql();

    /** Releases the lock on the session that holds it. */
    @Override
    void close() throws SQLException;

    static boolean isFenceFailure(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains(FENCE_MARKER);
    }
}
