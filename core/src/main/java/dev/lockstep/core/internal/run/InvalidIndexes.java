package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.sql.Literals;
import dev.lockstep.core.internal.sql.RelationName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexes a concurrent build or drop left INVALID ({@code pg_index.indisvalid = false}): a build
 * cancelled, its backend terminated or its server restarted half-way. Such an index takes every
 * write's cost and serves no query, and {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS} skips it as
 * if it were built. Dropped concurrently, like the build, so that no query waits on the drop.
 */
final class InvalidIndexes {

    /** What the catalog says of an index, looked up by its name as a statement wrote it. */
    enum State {
        ABSENT, VALID, INVALID
    }

    /**
     * One INVALID index.
     *
     * @param name as {@code regclass} prints it: qualified unless its schema is on the search path
     * @param table the table it is on, printed the same way
     */
    record Found(String name, String table) {

        /** The statement that removes it without blocking the table's queries. */
        String dropSql() {
            return "DROP INDEX CONCURRENTLY IF EXISTS " + name;
        }

        String describe() {
            return name + " on " + table + " (" + dropSql() + ")";
        }
    }

    private InvalidIndexes() {
    }

    /** The index's state, resolving the name on the session's search path as the statement did. */
    static State state(Connection connection, RelationName index) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(stateSql(index))) {
            rs.next();
            return State.valueOf(rs.getString(1));
        }
    }

    /** A query whose one row and column is the index's {@link State} by name, to send with other statements. */
    static String stateSql(RelationName index) {
        return "SELECT COALESCE((SELECT CASE WHEN i.indisvalid THEN 'VALID' ELSE 'INVALID' END FROM pg_index i "
                + "WHERE i.indexrelid = to_regclass(" + Literals.escaped(index.text()) + ")), 'ABSENT')";
    }

    /** The INVALID indexes in one schema, by name. */
    static List<Found> inSchema(Connection connection, String schema) throws SQLException {
        List<Found> found = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT i.indexrelid::regclass::text, "
                + "i.indrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname = ? ORDER BY 1")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new Found(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return found;
    }

    /**
     * Drops an index concurrently, without a {@code lock_timeout}: like the build, the drop's
     * waits hold up no query, and a drop cancelled half-way would leave the index as it was.
     * The session's {@code lock_timeout} is put back afterwards.
     */
    static void drop(Connection connection, String index) throws SQLException {
        try (Statement s = connection.createStatement()) {
            String before;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('lock_timeout')")) {
                rs.next();
                before = rs.getString(1);
            }
            s.execute("SET lock_timeout = 0");
            SQLException failure = null;
            try {
                s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
            } catch (SQLException e) {
                failure = e;
            }
            try (PreparedStatement restore = connection.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
                restore.setString(1, before);
                restore.execute();
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
