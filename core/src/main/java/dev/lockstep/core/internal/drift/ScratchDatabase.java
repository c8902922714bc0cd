package dev.lockstep.core.internal.drift;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.fleet.DriverDataSource;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database of its own for a replay, created on the live database's server (from
 * {@code template1}, as the live one most likely was) and dropped when closed, with
 * {@code WITH (FORCE)} so no session left in it keeps it. It is reached through the driver at the
 * live database's URL with the database name replaced: {@code lockstep.url} when set, else the
 * live connection's own; as {@code lockstep.user} (else the live connection's user) with
 * {@code lockstep.password}.
 */
public final class ScratchDatabase implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScratchDatabase.class.getName());
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String READ_ONLY = "25006";

    private final Connection live;
    private final String name;
    private final DriverDataSource dataSource;

    private ScratchDatabase(Connection live, String name, DriverDataSource dataSource) {
        this.live = live;
        this.name = name;
        this.dataSource = dataSource;
    }

    /**
     * @param live a connection to the live database, kept to drop the scratch one when closed
     * @param url {@code lockstep.url}, when set
     */
    public static ScratchDatabase create(Connection live, Optional<String> url, Optional<String> user,
            Optional<String> password) throws SQLException {
        String name = "lockstep_drift_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String liveUrl = url.orElse(live.getMetaData().getURL());
        String scratchUrl = withDatabase(liveUrl, name);
        try (Statement s = live.createStatement()) {
            s.execute("CREATE DATABASE " + Identifiers.quote(name));
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new LockstepException("The replay needs a scratch database, and the role "
                        + live.getMetaData().getUserName() + " may not create one (" + e.getMessage() + "). Grant it "
                        + "CREATEDB, or compare with the snapshot stored beside the tracker: "
                        + "lockstep.drift.compare-with=snapshot", e);
            }
            if (READ_ONLY.equals(e.getSQLState())) {
                throw new LockstepException("The replay needs a scratch database, and this server takes no writes ("
                        + e.getMessage() + "); compare with the snapshot stored beside the tracker: "
                        + "lockstep.drift.compare-with=snapshot", e);
            }
            throw e;
        }
        return new ScratchDatabase(live, name, new DriverDataSource(scratchUrl,
                user.orElse(live.getMetaData().getUserName()), password.orElse(null)));
    }

    /** A new connection to the scratch database. */
    public Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new LockstepException("Created the scratch database " + name + " for the replay but could not "
                    + "connect to it at " + dataSource.url() + ": " + e.getMessage() + " [SQLState " + e.getSQLState()
                    + "]. Set lockstep.url, lockstep.user and lockstep.password to a login that reaches every "
                    + "database of the server, or compare with the stored snapshot: "
                    + "lockstep.drift.compare-with=snapshot", e);
        }
    }

    /**
     * Gives the scratch database the live one's default privileges, before the replay creates anything
     * ({@link DefaultPrivileges}).
     */
    public void giveDefaultPrivilegesOf(Connection live, Connection scratch, String schema) throws SQLException {
        DefaultPrivileges.give(live, scratch, schema, DefaultPrivileges.of(live, schema));
    }

    public String name() {
        return name;
    }

    /** Drops it; a failure is logged with the statement to drop it by hand, never thrown over the replay's outcome. */
    @Override
    public void close() {
        String drop = "DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)";
        try (Statement s = live.createStatement()) {
            s.execute(drop);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not drop the replay's scratch database " + name + " (" + e.getMessage()
                    + "); drop it by hand: " + drop);
        }
    }

    /**
     * The URL with its database replaced: {@code jdbc:postgresql://host:5432/orders?ssl=true} becomes
     * {@code jdbc:postgresql://host:5432/<database>?ssl=true}; {@code jdbc:postgresql:orders} becomes
     * {@code jdbc:postgresql:<database>}.
     */
    static String withDatabase(String url, String database) {
        String prefix = "jdbc:postgresql:";
        if (!url.startsWith(prefix)) {
            throw new LockstepException("The replay reaches its scratch database through a PostgreSQL JDBC URL, and '"
                    + url + "' is none; set lockstep.url");
        }
        int query = url.indexOf('?');
        String head = query < 0 ? url : url.substring(0, query);
        String tail = query < 0 ? "" : url.substring(query);
        int start;
        if (head.startsWith("//", prefix.length())) {
            int slash = head.indexOf('/', prefix.length() + 2);
            if (slash < 0) {
                return head + "/" + database + tail;
            }
            start = slash + 1;
        } else {
            start = prefix.length();
        }
        return head.substring(0, start) + database + tail;
    }
}
