package dev.lockstep.core.internal.session;

import java.sql.SQLException;

/**
 * What to do about a connection PostgreSQL refused, by its SQLState: a database that does not
 * exist is not fixed by waiting for it, and a wrong password not by creating anything.
 */
public final class ConnectFailure {

    private ConnectFailure() {
    }

    /** One sentence for the cause; {@code retries} is how many more tries the run was allowed. */
    public static String advice(SQLException e, int retries) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "3D000" -> "Create that database (CREATE DATABASE) or correct the URL: Lockstep creates schemas and "
                    + "tables, not the database itself.";
            case "28000", "28P01" -> "Check the user name and password of the connection, and that pg_hba.conf lets "
                    + "this user in from this host.";
            case "42501" -> "Grant this user CONNECT on the database.";
            case "55000" -> "The database does not accept connections (pg_database.datallowconn is false, as for "
                    + "template0): migrate another database.";
            case "53300" -> "The server has no free connection slot: raise max_connections or lower the pools that "
                    + "share it.";
            default -> retries == 0 ? "If it starts after the application, set lockstep.connect-retries to wait for it."
                    : "Raise lockstep.connect-retries to wait longer.";
        };
    }
}
