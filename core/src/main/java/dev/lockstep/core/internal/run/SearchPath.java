package dev.lockstep.core.internal.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A session's {@code search_path} with one schema put first, the rest as the session has it. */
final class SearchPath {

    /**
     * The session's {@code search_path} unchanged when {@code schema} already comes first in it,
     * else {@code schema} (quoted as needed) followed by it: the server's and role's settings stay
     * behind it, as with Flyway, which prepends its default schema.
     */
    static String withFirst(Connection connection, String schema) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT CASE WHEN (current_schemas(false))[1] = ? "
                + "THEN current_setting('search_path') ELSE quote_ident(?) || CASE WHEN current_setting('search_path') = '' "
                + "THEN '' ELSE ', ' || current_setting('search_path') END END")) {
            query.setString(1, schema);
            query.setString(2, schema);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private SearchPath() {
    }
}
