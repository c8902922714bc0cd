package dev.lockstep.core.internal.session;

import dev.lockstep.core.LockstepException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PostgreSQL versions Lockstep runs on: 13 to 18, each tested. An older server is refused
 * before anything is read or written, naming the versions; a newer one goes on with a warning,
 * once per process, since a new major version rarely breaks what an older one ran. The version
 * comes from the connection's start-up parameters, with no query.
 */
public final class SupportedServer {

    public static final int OLDEST = 13;
    public static final int NEWEST_TESTED = 18;

    private static final System.Logger LOG = System.getLogger(SupportedServer.class.getName());
    private static final AtomicBoolean WARNED_NEWER = new AtomicBoolean();

    private SupportedServer() {
    }

    /**
     * The connection, if its server is one Lockstep runs on; else closed, and refused by name.
     *
     * @throws LockstepException for a server older than {@value #OLDEST}
     */
    public static Connection checked(Connection connection) throws SQLException {
        try {
            check(connection);
            return connection;
        } catch (RuntimeException | SQLException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static void check(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        int major = metaData.getDatabaseMajorVersion();
        if (major < OLDEST) {
            throw new LockstepException("PostgreSQL " + metaData.getDatabaseProductVersion() + " is older than "
                    + "Lockstep runs on: PostgreSQL " + OLDEST + " to " + NEWEST_TESTED + ". Nothing was read or "
                    + "written. Upgrade the server to " + OLDEST + " or later.");
        }
        if (major > NEWEST_TESTED && WARNED_NEWER.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "PostgreSQL " + metaData.getDatabaseProductVersion() + " is newer than the "
                    + "versions Lockstep is tested on (" + OLDEST + " to " + NEWEST_TESTED + "); going on");
        }
    }
}
