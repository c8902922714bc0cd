package dev.lockstep.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Which database a connection reaches, told by the server and not by the URL's text:
 * {@code 127.0.0.1} and {@code localhost}, a pooler in front, another spelling of the same host all
 * reach one server. The server is its system identifier (from {@code pg_control_system()}, readable
 * by every role), else the time its postmaster started, which two servers do not share.
 *
 * @param server the server's system identifier, or {@code started <time>}
 * @param database the database's name on it
 */
record DatabaseIdentity(String server, String database) {

    /** The identity of the database {@code dataSource}'s connections reach; empty when none can be had. */
    static Optional<DatabaseIdentity> of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return Optional.of(of(connection));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    static DatabaseIdentity of(Connection connection) throws SQLException {
        try (Statement query = connection.createStatement();
                ResultSet row = query.executeQuery("SELECT system_identifier::text, current_database() "
                        + "FROM pg_control_system()")) {
            row.next();
            return new DatabaseIdentity(row.getString(1), row.getString(2));
        } catch (SQLException e) {
            if (!connection.getAutoCommit()) {
                throw e;
            }
            // A server without pg_control_system() (some managed services restrict it).
            try (PreparedStatement query = connection.prepareStatement("SELECT 'started ' || "
                    + "pg_postmaster_start_time(), current_database()"); ResultSet row = query.executeQuery()) {
                row.next();
                return new DatabaseIdentity(row.getString(1), row.getString(2));
            }
        }
    }
}
