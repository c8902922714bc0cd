package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.expand.ExpansionTable.Row;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The contract of one expanded migration: what its statements say, done now that no release needs
 * the old shape. First, each constraint the expand added {@code NOT VALID} is validated, one
 * statement each in autocommit (a {@code SHARE UPDATE EXCLUSIVE} lock: reads and writes go on).
 * Then, in one transaction: columns renamed and dropped, {@code SET NOT NULL} (which the validated
 * check spares a scan of the table), tables renamed, the rows marked contracted, and the version
 * schemas brought in line ({@link ShapeViews}: the views keep working across the renames, since a
 * view follows its columns, not their names). The caller holds the run lock and sets
 * {@code lock_timeout}.
 */
public final class Contraction {

    private final ExpansionTable table;

    public Contraction(ExpansionTable table) {
        this.table = table;
    }

    /** Validates what the expand of {@code version} added {@code NOT VALID}, in autocommit. */
    public void validate(Connection connection, List<Row> rows) throws SQLException {
        for (Row row : rows) {
            if (row.target().isPresent() && (row.kind() == ExpansionTable.Kind.SET_NOT_NULL
                    || row.kind() == ExpansionTable.Kind.ADD_CONSTRAINT) && notValid(connection, row)) {
                ShapeViews.execute(connection, "ALTER TABLE " + Expansion.qualified(connection, row.relid())
                        + " VALIDATE CONSTRAINT " + Identifiers.quote(row.target().get()));
            }
        }
    }

    /**
     * The rest of the contract, in the caller's transaction. The version schemas' views are locked
     * first: a release's statement locks its view, then the table, so taking the table first would
     * deadlock with it.
     */
    public void contract(Connection connection, MigrationVersion version, List<Row> rows) throws SQLException {
        List<String> views = new java.util.ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || "
                + "quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE starts_with(n.nspname, ?) AND c.relkind = 'v' ORDER BY 1")) {
            s.setString(1, VersionSchema.PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    views.add(rs.getString(1));
                }
            }
        }
        if (!views.isEmpty()) {
            ShapeViews.execute(connection, "LOCK TABLE " + String.join(", ", views) + " IN ACCESS EXCLUSIVE MODE");
        }
        for (Row row : rows) {
            String qualified = Expansion.qualified(connection, row.relid());
            switch (row.kind()) {
                case RENAME_COLUMN:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " RENAME COLUMN "
                            + Identifiers.quote(row.name()) + " TO " + Identifiers.quote(row.target().orElseThrow()));
                    break;
                case DROP_COLUMN:
                    // The views of later releases leave it out; views of older ones go with their schemas first.
                    dropOlderSchemas(connection, version);
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " DROP COLUMN "
                            + Identifiers.quote(row.name()));
                    break;
                case SET_NOT_NULL:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN "
                            + Identifiers.quote(row.name()) + " SET NOT NULL");
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " DROP CONSTRAINT "
                            + Identifiers.quote(row.target().orElseThrow()));
                    break;
                case RENAME_TABLE:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " RENAME TO "
                            + Identifiers.quote(row.target().orElseThrow()));
                    break;
                default:
                    break; // a column added at the expand; a constraint validated before this transaction
            }
        }
        table.markContracted(connection, version.toString());
        ShapeViews.refresh(connection, table.expanded(connection), Optional.empty());
    }

    /** Version schemas of releases before {@code version}: no session of them remains when it contracts. */
    private static void dropOlderSchemas(Connection connection, MigrationVersion version) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT nspname FROM pg_namespace WHERE "
                + "starts_with(nspname, ?)")) {
            s.setString(1, VersionSchema.PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String schema = rs.getString(1);
                    if (olderRelease(connection, schema, version)) {
                        ShapeViews.execute(connection, "DROP SCHEMA " + Identifiers.quote(schema) + " CASCADE");
                    }
                }
            }
        }
    }

    private static boolean olderRelease(Connection connection, String schema, MigrationVersion version)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT obj_description(oid, 'pg_namespace') "
                + "FROM pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null || !rs.getString(1).startsWith("lockstep release ")) {
                    return false;
                }
                return MigrationVersion.parse(rs.getString(1).substring("lockstep release ".length()))
                        .compareTo(version) < 0;
            }
        }
    }

    private static boolean notValid(Connection connection, Row row) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT NOT convalidated FROM pg_constraint "
                + "WHERE conrelid = ? AND conname = ?")) {
            s.setLong(1, row.relid());
            s.setString(2, row.target().orElseThrow());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
