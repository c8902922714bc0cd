package dev.lockstep.core.internal.session;

import dev.lockstep.core.LockstepException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses a server that cannot take the run's writes, before the run waits for the lock: a standby
 * (in recovery), or sessions that are read-only ({@code default_transaction_read_only}). Otherwise
 * the run would take the lock and fail its first migration with an error that blames the file.
 */
public final class WritableCheck {

    private WritableCheck() {
    }

    /** @throws LockstepException naming the server, why it is read-only and what to change */
    public static void require(Connection connection) throws SQLException {
        require(connection, "migrate");
    }

    /**
     * @param action what was to be done, as the message says it: "migrate", "undo migrations in"
     * @throws LockstepException naming the server, why it is read-only and what to change
     */
    public static void require(Connection connection, String action) throws SQLException {
        boolean standby;
        boolean readOnly;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")) {
            rs.next();
            standby = rs.getBoolean(1);
            readOnly = "on".equals(rs.getString(2));
        }
        if (!standby && !readOnly) {
            return;
        }
        String why = standby ? "it is a standby (pg_is_in_recovery() is true), which takes no writes"
                : "its sessions are read-only (transaction_read_only is on: default_transaction_read_only is set for "
                        + "the server, the database, the role or in the URL's options)";
        throw new LockstepException("Lockstep cannot " + action + " " + DatabaseDescription.of(connection) + ": " + why
                + ". Nothing was changed and no lock was taken.\n  Point lockstep.url (or the DataSource) at the primary. "
                + "With several hosts in one URL for failover, add targetServerType=primary to it, e.g. "
                + "jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=primary (pgjdbc ignores libpq's "
                + "target_session_attrs)." + (standby ? "" : " Or allow writes for the migration's user: "
                        + "ALTER ROLE <user> SET default_transaction_read_only = off"));
    }
}
