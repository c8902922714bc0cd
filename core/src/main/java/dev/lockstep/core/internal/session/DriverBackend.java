package dev.lockstep.core.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * The backend pid the PostgreSQL JDBC driver received when it connected (its cancel key). Touches
 * the driver's classes only when they are there: Lockstep needs nothing but JDBC otherwise.
 */
final class DriverBackend {

    private static final boolean PGJDBC = present();

    private DriverBackend() {
    }

    /** The pid, or {@code null} when the connection is not pgjdbc's. */
    static Integer pid(Connection connection) throws SQLException {
        if (!PGJDBC || !connection.isWrapperFor(PGConnection.class)) {
            return null;
        }
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    private static boolean present() {
        try {
            Class.forName("org.postgresql.PGConnection", false, DriverBackend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
