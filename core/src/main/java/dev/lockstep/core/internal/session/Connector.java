package dev.lockstep.core.internal.session;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.RunStoppedException;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Borrows the run's connection. A database that is not up yet (a service and its database started
 * together) is tried again {@code lockstep.connect-retries} times, one second apart at first and
 * twice as long each time up to {@code lockstep.connect-retries-interval}, as Flyway does; each
 * try that fails is one log line, never a stack trace.
 */
public final class Connector {

    private static final System.Logger LOG = System.getLogger(Connector.class.getName());
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final int retries;
    private final Duration maxPause;

    public Connector(DataSource dataSource, int retries, Duration maxPause) {
        this.dataSource = dataSource;
        this.retries = retries;
        this.maxPause = maxPause;
    }

    /** The run's first connection, after at most {@code retries} more tries. */
    public Connection connect() throws SQLException {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return SupportedServer.checked(dataSource.getConnection());
            } catch (SQLException e) {
                if (attempt > retries) {
                    throw new LockstepException("Could not connect to the database" + (retries == 0 ? "" : " in "
                            + attempt + " tries") + ": " + e.getMessage() + " [SQLState " + e.getSQLState() + "]. "
                            + ConnectFailure.advice(e, retries), e);
                }
                LOG.log(Level.WARNING, "Could not connect to the database (try " + attempt + " of " + (retries + 1)
                        + "): " + e.getMessage() + " [SQLState " + e.getSQLState() + "]; trying again in "
                        + pause.toMillis() + " ms");
                sleep(pause, "connecting to the database");
                pause = min(pause.multipliedBy(2), maxPause);
            }
        }
    }

    /**
     * A new connection for a runner that lost its own while it held nothing (a server restart):
     * tries until {@code deadlineNanos}, a quarter of a second apart at first, at most five seconds.
     */
    public Connection reconnect(long deadlineNanos, Throwable lost) throws SQLException {
        Duration pause = Duration.ofMillis(250);
        while (true) {
            try {
                return SupportedServer.checked(dataSource.getConnection());
            } catch (SQLException e) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    e.addSuppressed(lost);
                    throw new LockstepException("Lost the connection while waiting for the migration lock and could not "
                            + "connect again within lockstep.lock.timeout: " + e.getMessage() + " [SQLState "
                            + e.getSQLState() + "]. Nothing was applied by this run.", e);
                }
                LOG.log(Level.INFO, "Could not connect again yet (" + e.getMessage() + "); trying again in "
                        + pause.toMillis() + " ms");
                sleep(min(pause, Duration.ofNanos(left)), "reconnecting to wait for the migration lock");
                pause = min(pause.multipliedBy(2), Duration.ofSeconds(5));
            }
        }
    }

    private static void sleep(Duration pause, String what) {
        try {
            Thread.sleep(Math.max(1, pause.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunStoppedException("Stopped " + what + " because the run was interrupted. Nothing was applied "
                    + "by this run.");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
