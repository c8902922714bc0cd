package dev.lockstep.core.internal.session;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.RunStoppedException;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Refuses a connection pooler that does not keep one server session per client (PgBouncer in
 * transaction or statement mode): there, lock and unlock land on different server sessions, so
 * several runners "hold" the lock at once and a lock can stay behind on an idle server session.
 *
 * <ol>
 *   <li>Straight to PostgreSQL, the backend pid the driver got when it connected is
 *       {@code pg_backend_pid()}. A pooler hands its clients a cancel key of its own, so the two
 *       differ: nothing more to check.</li>
 *   <li>Otherwise a second connection opens a transaction and asks for its backend. In session
 *       mode it cannot get the first connection's server session, which stays bound to that client;
 *       in transaction mode it does (PgBouncer reuses the server it released last). Statement mode
 *       refuses the transaction outright.</li>
 * </ol>
 * Detection can be fooled (a busy transaction-mode pool may hand the probe another server), which
 * is why each migration also runs behind a fence ({@link dev.lockstep.core.internal.lock.HeldLock#fenceSql()}).
 */
public final class PoolerCheck {

    private static final System.Logger LOG = System.getLogger(PoolerCheck.class.getName());
    private static final Duration SECOND_CONNECTION_WAIT = Duration.ofSeconds(5);

    private PoolerCheck() {
    }

    /** Runs before the lock is taken, in autocommit; costs one query straight to PostgreSQL. */
    public static void requireSessionPinning(Connection connection, DataSource dataSource) throws SQLException {
        Optional<String> seen = transactionPooling(connection, dataSource);
        if (seen.isPresent()) {
            throw new LockstepException("Lockstep cannot serialize migrations through this connection: it goes through "
                    + "a connection pooler in transaction or statement mode (PgBouncer with pool_mode=transaction, for "
                    + "one), where each transaction may run on another server session, so a session advisory lock taken "
                    + "in one is not held in the next (" + seen.get() + "). Nothing was locked or applied. Point Lockstep "
                    + "straight at PostgreSQL (with Spring Boot: lockstep.url, lockstep.user and lockstep.password), or "
                    + "give it a pool in session mode.");
        }
    }

    /**
     * What shows that {@code connection} goes through a pooler that does not keep one server session
     * per client; empty when it goes straight to PostgreSQL or through a pooler in session mode.
     */
    public static Optional<String> transactionPooling(Connection connection, DataSource dataSource) throws SQLException {
        int serverPid = backendPid(connection);
        Integer driverPid = DriverBackend.pid(connection);
        if (driverPid != null && driverPid == serverPid) {
            return Optional.empty();
        }
        String seen;
        Connection other;
        try {
            other = secondConnection(dataSource);
        } catch (SQLException e) {
            throw new LockstepException("A connection pooler seems to sit between Lockstep and PostgreSQL (the backend "
                    + "pid the driver was given, " + driverPid + ", is not the server's, " + serverPid + "), and a second "
                    + "connection to check that it keeps sessions could not be opened: " + e.getMessage() + ". Nothing "
                    + "was locked or applied. Point Lockstep straight at PostgreSQL (with Spring Boot: lockstep.url, "
                    + "lockstep.user and lockstep.password), or let its pool open two connections.");
        }
        try (other) {
            other.setAutoCommit(false);
            try {
                if (backendPid(other) != serverPid) {
                    LOG.log(Level.INFO, "The connection goes through a connection pooler that keeps one server "
                            + "session per client (session mode)");
                    return Optional.empty();
                }
                seen = "a transaction on a second connection ran on this connection's server session (pid "
                        + serverPid + ")";
            } catch (SQLException e) {
                seen = "a transaction on a second connection failed: " + e.getMessage();
            } finally {
                try {
                    other.rollback();
                } catch (SQLException ignored) {
                    // Only a probe: nothing was written.
                }
            }
        }
        return Optional.of(seen);
    }

    /**
     * A second connection, waited for a few seconds at most: from a pool of one the wait would
     * otherwise last the pool's whole connection timeout. One that arrives later is given back.
     */
    private static Connection secondConnection(DataSource dataSource) throws SQLException {
        CompletableFuture<Connection> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return dataSource.getConnection();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, task -> {
            Thread thread = new Thread(task, "lockstep-pooler-check");
            thread.setDaemon(true);
            thread.start();
        });
        try {
            return opening.get(SECOND_CONNECTION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(PoolerCheck::closeQuietly);
            throw new SQLException("none came within " + SECOND_CONNECTION_WAIT.toSeconds() + " s (a pool of one connection?)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException cause ? cause : new SQLException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunStoppedException("Stopped checking for a connection pooler because the run was interrupted. "
                    + "Nothing was applied by this run.");
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Only a probe.
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
