package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.tracker.Identifiers;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The table beside the tracker ({@code <tracker>_expansions}) with one row per change of each
 * expand/contract migration: the table it changes (by OID, so a rename does not lose it), what
 * changes, and whether it is {@code expanded} or {@code contracted}. Rows are written in the
 * transaction that records the migration, and marked contracted in the transaction that contracts it.
 */
public final class ExpansionTable {

    private static final String SUFFIX = "_expansions";

    /** What one change is, as stored in {@code kind}. */
    public enum Kind {
        RENAME_COLUMN("rename-column"), DROP_COLUMN("drop-column"), ADD_COLUMN("add-column"), SET_NOT_NULL("set-not-null"),
        ADD_CONSTRAINT("add-constraint"), RENAME_TABLE("rename-table"), CHANGE_TYPE("change-type"),
        ADD_UNIQUE("add-unique");

        private final String stored;

        Kind(String stored) {
            this.stored = stored;
        }

        public String stored() {
            return stored;
        }

        static Kind of(String stored) {
            for (Kind kind : values()) {
                if (kind.stored.equals(stored)) {
                    return kind;
                }
            }
            throw new IllegalStateException("unknown kind of expansion '" + stored + "'");
        }

        /** Whether it changes what a release sees (so the releases after it see the table through a view). */
        boolean reshapes() {
            return this == RENAME_COLUMN || this == DROP_COLUMN || this == RENAME_TABLE || this == CHANGE_TYPE;
        }
    }

    /**
     * @param relid the table changed
     * @param name the column (the table's name, for a rename of the table)
     * @param target the new name, the constraint's name (a unique one's index has its name), or the column
     *     of the new type
     * @param detail for a dropped column: whether its NOT NULL was dropped at the expand; for a changed
     *     type: the column's NOT NULL and default ({@link Retype}); for a unique constraint: its columns
     */
    public record Row(String version, int step, long relid, Kind kind, String name, Optional<String> target,
            Optional<String> detail, boolean contracted, Instant expandedAt, Optional<Instant> contractedAt) {

        public MigrationVersion migrationVersion() {
            return MigrationVersion.parse(version);
        }
    }

    private final String qualified;

    public ExpansionTable(Tracker tracker, String trackerTable) {
        this.qualified = Identifiers.qualify(tracker.schema(), tableOf(trackerTable));
    }

    /** The table's name: the tracker's with {@code _expansions}. */
    public static String tableOf(String trackerTable) {
        return Identifiers.suffixed(trackerTable, SUFFIX);
    }

    public String displayName() {
        return qualified.replace("\"", "");
    }

    public boolean exists(Connection connection) throws SQLException {
        return Tracker.exists(connection, qualified);
    }

    /** A changed table's name as it is now, for messages; its OID when it is gone. */
    public static String tableName(Connection connection, long relid) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT relname FROM pg_class WHERE oid = ?")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : "(table " + relid + ", dropped)";
            }
        }
    }

    void create(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified + " (version text NOT NULL, step integer NOT NULL, "
                    + "relid oid NOT NULL, kind text NOT NULL, name text NOT NULL, target text, detail text, "
                    + "state text NOT NULL CHECK (state IN ('expanded', 'contracted')), "
                    + "expanded_at timestamptz NOT NULL DEFAULT now(), contracted_at timestamptz, "
                    + "PRIMARY KEY (version, step))");
        }
    }

    void insert(Connection connection, String version, int step, long relid, Kind kind, String name,
            Optional<String> target, Optional<String> detail) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + qualified + " (version, step, relid, "
                + "kind, name, target, detail, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'expanded')")) {
            s.setString(1, version);
            s.setInt(2, step);
            s.setLong(3, relid);
            s.setString(4, kind.stored());
            s.setString(5, name);
            s.setString(6, target.orElse(null));
            s.setString(7, detail.orElse(null));
            s.executeUpdate();
        }
    }

    /** Every row, by version (as versions order) and step; empty when there is no table. */
    public List<Row> read(Connection connection) throws SQLException {
        if (!exists(connection)) {
            return List.of();
        }
        List<Row> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT version, step, relid, "
                + "kind, name, target, detail, state, expanded_at, contracted_at FROM " + qualified)) {
            while (rs.next()) {
                Timestamp contracted = rs.getTimestamp(10);
                rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getLong(3), Kind.of(rs.getString(4)),
                        rs.getString(5), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                        rs.getString(8).equals("contracted"), rs.getTimestamp(9).toInstant(),
                        Optional.ofNullable(contracted).map(Timestamp::toInstant)));
            }
        }
        rows.sort(Comparator.comparing(Row::migrationVersion).thenComparing(Row::step));
        return rows;
    }

    /** The rows not yet contracted, in order. */
    public List<Row> expanded(Connection connection) throws SQLException {
        return read(connection).stream().filter(row -> !row.contracted()).toList();
    }

    void markContracted(Connection connection, String version) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("UPDATE " + qualified + " SET state = 'contracted', "
                + "contracted_at = now() WHERE version = ?")) {
            s.setString(1, version);
            s.executeUpdate();
        }
    }

    void delete(Connection connection, String version) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM " + qualified + " WHERE version = ?")) {
            s.setString(1, version);
            s.executeUpdate();
        }
    }
}
