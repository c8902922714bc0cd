package dev.lockstep.core.internal.session;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The one connection a run keeps from start to end: lock, work and unlock must share one session,
 * or the lock protects nothing. It comes from the application's pool and goes back exactly as it
 * came, or is discarded when that cannot be done with certainty.
 *
 * <p>What the run sets on it, and why: {@code application_name} (so others see who holds the lock),
 * server-side TCP keepalives (so a holder whose network dies loses its session, and with it the
 * lock, in seconds rather than hours), {@code client_connection_check_interval} (so a killed
 * runner's backend stops its statement and frees the lock within a second instead of when the
 * statement ends) and optionally {@code statement_timeout}.
 */
public final class PinnedSession {

    private static final System.Logger LOG = System.getLogger(PinnedSession.class.getName());
    /** Idle seconds before the server probes, seconds between probes, probes before it gives up. */
    public static final Map<String, String> KEEPALIVES = Map.of(
            "tcp_keepalives_idle", "10",
            "tcp_keepalives_interval", "5",
            "tcp_keepalives_count", "3");
    private static final String CLIENT_CONNECTION_CHECK = "1s";

    private final Connection connection;
    private final DataSource dataSource;
    private final boolean autoCommit;
    /** The session as it came, once the run changed it. */
    private Optional<SessionState> original = Optional.empty();
    private boolean migrationsRan;
    private boolean discarded;

    private PinnedSession(Connection connection, DataSource dataSource, boolean autoCommit) {
        this.connection = connection;
        this.dataSource = dataSource;
        this.autoCommit = autoCommit;
    }

    /** Keeps the connection for the run, in autocommit: the run opens its transactions itself. */
    public static PinnedSession pin(Connection connection, DataSource dataSource) throws SQLException {
        PinnedSession session = new PinnedSession(connection, dataSource, connection.getAutoCommit());
        connection.setAutoCommit(true);
        return session;
    }

    public Connection connection() {
        return connection;
    }

    /**
     * Notes the session as it is, then names it and sets what the run needs.
     *
     * @param customSettings custom settings the migrations set, so they can be put back too
     * @return the session state the run works in
     */
    public SessionState configure(String applicationName, Optional<Duration> statementTimeout,
            Set<String> customSettings) throws SQLException {
        SessionState captured = SessionState.capture(connection, customSettings);
        original = Optional.of(captured);
        Map<String, String> wanted = new LinkedHashMap<>(KEEPALIVES);
        wanted.put("application_name", applicationName);
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14 && checksClientConnection()) {
            wanted.put("client_connection_check_interval", CLIENT_CONNECTION_CHECK);
        }
        statementTimeout.ifPresent(timeout -> wanted.put("statement_timeout", timeout.toMillis() + "ms"));
        SessionState runState = captured.with(wanted);
        runState.restore(connection);
        return runState;
    }

    /** From now on migrations may leave what cannot be put back; {@link #putBack()} looks for it. */
    public void migrationsRun() {
        migrationsRan = true;
    }

    /**
     * Puts the session back as it came and hands the connection back. What cannot be put back with
     * certainty (see {@link SessionState}) gets the connection discarded instead of returned.
     */
    public void putBack() {
        if (discarded) {
            return;
        }
        try {
            if (original.isPresent()) {
                original.get().restore(connection);
                List<String> leftovers = migrationsRan ? original.get().leftovers(connection) : List.of();
                if (!leftovers.isEmpty()) {
                    LOG.log(Level.WARNING, "Discarding the migration connection instead of returning it to the "
                            + "pool: the migrations left " + String.join(", ", leftovers) + " on its session, which "
                            + "Lockstep cannot undo with certainty. The pool opens a fresh connection in its place.");
                    discard();
                    return;
                }
            }
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            if (!ConnectionFailures.isConnectionLost(e, connection)) {
                LOG.log(Level.WARNING, "Could not put the session back as it came (" + e.getMessage()
                        + "); discarding the connection rather than returning it to the pool changed");
            }
            discard();
        }
    }

    /** Closes the physical connection so no pool hands it out again (a lock it may hold dies with it). */
    public void discard() {
        discarded = true;
        ConnectionFailures.discard(connection, dataSource);
    }

    /** Only servers on platforms that report closed sockets accept a non-zero interval. */
    private boolean checksClientConnection() {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT set_config('client_connection_check_interval', '" + CLIENT_CONNECTION_CHECK + "', false)");
            return true;
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "This server cannot check its client connection: " + e.getMessage());
            return false;
        }
    }
}
