package dev.lockstep.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The tracker table: one row per applied migration, keyed by (version, name). Holds only SQL; every
 * identifier in it is quoted and schema-qualified, so {@code search_path} changes made by a
 * migration never redirect it.
 */
final class Tracker {

    private final String schema;
    private final String table;
    private final boolean schemaConfigured;
    private final String qualified;

    private Tracker(String schema, String table, boolean schemaConfigured) {
        this.schema = schema;
        this.table = table;
        this.schemaConfigured = schemaConfigured;
        this.qualified = Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    /** Resolves the schema once: the configured one, else the connection's current schema. */
    static Tracker resolve(Connection connection, String configuredSchema, String table) throws SQLException {
        if (configuredSchema != null) {
            return new Tracker(configuredSchema, table, true);
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            String current = rs.getString(1);
            if (current == null) {
                throw new LockstepConfigurationException("lockstep.schema", "the connection has no current schema "
                        + "(its search_path names no existing schema); set lockstep.schema");
            }
            return new Tracker(current, table, false);
        }
    }

    /** {@code "schema"."table"}, quoted, for SQL. */
    String qualifiedName() {
        return qualified;
    }

    /** {@code schema.table}, unquoted, for messages and for deriving the lock key. */
    String displayName() {
        return schema + "." + table;
    }

    boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, qualified);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Checks first, so a runner without CREATE privileges works once the table exists. */
    void createIfMissing(Connection connection) throws SQLException {
        if (exists(connection)) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            if (schemaConfigured) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified + " ("
                    + "version bigint NOT NULL, "
                    + "name text NOT NULL, "
                    + "checksum text, "
                    + "state text NOT NULL CHECK (state IN ('applied', 'running')), "
                    + "applied_at timestamptz NOT NULL DEFAULT now(), "
                    + "execution_ms bigint, "
                    + "applied_by text, "
                    + "PRIMARY KEY (version, name))");
        }
    }

    List<AppliedRow> read(Connection connection) throws SQLException {
        List<AppliedRow> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, name, checksum, state, applied_at, execution_ms, "
                        + "applied_by FROM " + qualified + " ORDER BY version, name")) {
            while (rs.next()) {
                Timestamp appliedAt = rs.getTimestamp(5);
                Long executionMs = rs.getObject(6, Long.class);
                rows.add(new AppliedRow(new MigrationId(rs.getLong(1), rs.getString(2)), rs.getString(3),
                        RowState.of(rs.getString(4)),
                        appliedAt == null ? null : appliedAt.toInstant(), executionMs, rs.getString(7)));
            }
        }
        return rows;
    }

    /** How many rows say applied: a cheap first look before reading them all. */
    int countApplied(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + qualified + " WHERE state = 'applied'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Records a non-transactional migration as started, before its first statement. */
    void insertRunning(Connection connection, Migration migration, String appliedBy) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + qualified
                + " (version, name, checksum, state, applied_by) VALUES (?, ?, ?, 'running', ?)")) {
            insert.setLong(1, migration.version());
            insert.setString(2, migration.name());
            insert.setString(3, migration.checksum());
            insert.setString(4, appliedBy);
            insert.executeUpdate();
        }
    }

    /**
     * The {@code INSERT} of an applied row as plain SQL, so it can travel in the migration's own
     * batch. {@code execution_ms} is measured by the server: from the transaction's start
     * ({@code now()}) to this statement ({@code clock_timestamp()}).
     */
    String insertAppliedSql(Migration migration, String appliedBy) {
        return "INSERT INTO " + qualified + " (version, name, checksum, state, execution_ms, applied_by) VALUES ("
                + migration.version() + ", " + escapedLiteral(migration.name()) + ", "
                + escapedLiteral(migration.checksum()) + ", 'applied', "
                + "(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint, "
                + (appliedBy == null ? "NULL" : escapedLiteral(appliedBy)) + ")";
    }

    /** A row for a migration recorded as applied without running it: the schema already has it. */
    String insertBaselineSql(Migration migration, String appliedBy) {
        return "INSERT INTO " + qualified + " (version, name, checksum, state, execution_ms, applied_by) VALUES ("
                + migration.version() + ", " + escapedLiteral(migration.name()) + ", "
                + escapedLiteral(migration.checksum()) + ", 'applied', NULL, " + escapedLiteral(appliedBy) + ")";
    }

    void markApplied(Connection connection, Migration migration, long executionMs) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + qualified
                + " SET state = 'applied', execution_ms = ?, applied_at = now() WHERE version = ? AND name = ?")) {
            update.setLong(1, executionMs);
            update.setLong(2, migration.version());
            update.setString(3, migration.name());
            update.executeUpdate();
        }
    }

    /** The statement an operator runs to mark an interrupted migration as done. */
    String completeRowSql(long version, String name) {
        return "UPDATE " + qualified + " SET state = 'applied' WHERE version = " + version + " AND name = "
                + literal(name) + ";";
    }

    /** The statement an operator runs to forget an interrupted or renamed migration's row. */
    String deleteRowSql(long version, String name) {
        return "DELETE FROM " + qualified + " WHERE version = " + version + " AND name = " + literal(name) + ";";
    }

    /** The statement an operator runs to accept a renamed file. */
    String renameRowSql(long version, String oldName, String newName) {
        return "UPDATE " + qualified + " SET name = " + literal(newName) + " WHERE version = " + version
                + " AND name = " + literal(oldName) + ";";
    }

    /** The statement an operator runs to accept an edited file. */
    String acceptChecksumSql(long version, String name, String checksum) {
        return "UPDATE " + qualified + " SET checksum = " + literal(checksum) + " WHERE version = " + version
                + " AND name = " + literal(name) + ";";
    }

    /** A string literal for the statements shown to an operator. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * A string literal that means the same whatever {@code standard_conforming_strings} says: an
     * {@code E''} string with backslashes and quotes escaped.
     */
    static String escapedLiteral(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
