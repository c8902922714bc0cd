package dev.lockstep.core.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Checks, before the lock is taken, that the run's connection is a server session of its own, as a
 * session advisory lock needs. Production runs {@link PoolerCheck}; a test that shows what the
 * fence does on its own runs none.
 */
@FunctionalInterface
public interface SessionPinning {

    SessionPinning POOLER_CHECK = PoolerCheck::requireSessionPinning;

    /** @throws dev.lockstep.core.LockstepException naming the fix when the connection goes through a pooler that shares sessions */
    void require(Connection connection, DataSource dataSource) throws SQLException;
}
