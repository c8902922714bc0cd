package dev.lockstep.core.internal.session;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;

/** Telling a dead connection from a failed statement, and getting rid of a connection for good. */
public final class ConnectionFailures {

    private static final System.Logger LOG = System.getLogger(ConnectionFailures.class.getName());
    /** Server shutting down or restarting, backend terminated, server not accepting connections yet. */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

    private ConnectionFailures() {
    }

    /** Whether the session is gone (terminated, server restarted, network lost) rather than a statement failing. */
    public static boolean isConnectionLost(SQLException failure, Connection connection) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state))) {
                    return true;
                }
                if (e.getNextException() != null && e.getNextException() != e
                        && isConnectionLost(e.getNextException(), null)) {
                    return true;
                }
            }
        }
        try {
            return connection != null && connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * The server's own reason when a lost connection's error carries it (57P01 "terminating
     * connection due to administrator command" behind the driver's I/O error); else the error itself.
     */
    public static SQLException serverReason(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                for (SQLException each = e; each != null; each = each.getNextException()) {
                    if (each.getSQLState() != null && SERVER_GOING_AWAY.contains(each.getSQLState())) {
                        return each;
                    }
                    if (each.getNextException() == each) {
                        break;
                    }
                }
            }
        }
        return failure;
    }

    /** Back to autocommit; on a dead connection there is nothing to set, and the failure at hand matters more. */
    public static void setAutoCommitQuietly(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "Could not switch the connection back to autocommit: " + e.getMessage());
        }
    }

    /**
     * Closes the physical connection so that a pool cannot hand it out again. A pool that can evict
     * one connection (HikariCP's {@code evictConnection}) is asked to; otherwise {@code abort}, then
     * one call on the aborted connection, whose "connection closed" error (SQLState 08003) makes a
     * pool that inspects errors drop it at once instead of at its next validation.
     */
    public static void discard(Connection connection, DataSource dataSource) {
        if (evict(connection, dataSource)) {
            return;
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Aborting the connection failed: " + e.getMessage());
        }
        try (Statement poke = connection.createStatement()) {
            poke.execute("SELECT 1");
        } catch (SQLException | RuntimeException expected) {
            // The point of the call: the pool now knows the connection is dead.
        }
    }

    /** HikariCP's {@code HikariDataSource.evictConnection(Connection)}, found by name: Lockstep depends on no pool. */
    private static boolean evict(Connection connection, DataSource dataSource) {
        try {
            Method evict = dataSource.getClass().getMethod("evictConnection", Connection.class);
            evict.invoke(dataSource, connection);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
