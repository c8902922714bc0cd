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
            Optional<String> constraint = switch (row.kind()) {
                case SET_NOT_NULL, ADD_CONSTRAINT -> row.target();
                case CHANGE_TYPE -> Optional.of(Retype.of("", row.target().orElseThrow(), row.detail().orElse(";")))
                        .filter(Retype::notNull).map(retype -> Identifiers.suffixed(retype.helper(), "_not_null"));
                default -> Optional.empty();
            };
            if (constraint.isPresent() && notValid(connection, row.relid(), constraint.get())) {
                ShapeViews.execute(connection, "ALTER TABLE " + Expansion.qualified(connection, row.relid())
                        + " VALIDATE CONSTRAINT " + Identifiers.quote(constraint.get()));
            }
        }
    }

    /**
     * The rest of the contract, in the caller's transaction. The version schemas' views go first
     * ({@link ShapeViews#dropViews}) and come back, as the releases still need them, at the end.
     */
    public void contract(Connection connection, MigrationVersion version, List<Row> rows) throws SQLException {
        ShapeViews.dropViews(connection);
        // No session of a release before it remains (or the contract is forced): their views go first,
        // since they show the columns the contract drops.
        dropOlderSchemas(connection, version);
        for (Row row : rows) {
            String qualified = Expansion.qualified(connection, row.relid());
            switch (row.kind()) {
                case RENAME_COLUMN:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " RENAME COLUMN "
                            + Identifiers.quote(row.name()) + " TO " + Identifiers.quote(row.target().orElseThrow()));
                    break;
                case DROP_COLUMN:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " DROP COLUMN "
                            + Identifiers.quote(row.name()));
                    break;
                case SET_NOT_NULL:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN "
                            + Identifiers.quote(row.name()) + " SET NOT NULL");
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " DROP CONSTRAINT "
                            + Identifiers.quote(row.target().orElseThrow()));
                    break;
                case ADD_UNIQUE:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD CONSTRAINT "
                            + Identifiers.quote(row.name()) + " UNIQUE USING INDEX " + Identifiers.quote(
                                    row.target().orElseThrow()));
                    break;
                case RENAME_TABLE:
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " RENAME TO "
                            + Identifiers.quote(row.target().orElseThrow()));
                    break;
                case CHANGE_TYPE: {
                    Retype retype = Retype.of(Expansion.schemaOf(connection, row.relid()), row.target().orElseThrow(),
                            row.detail().orElse(";"));
                    String column = Identifiers.quote(row.name());
                    ShapeViews.execute(connection, "DROP TRIGGER " + retype.trigger() + " ON " + qualified);
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " DROP COLUMN " + column);
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " RENAME COLUMN "
                            + Identifiers.quote(retype.helper()) + " TO " + column);
                    String type = typeOf(connection, row.relid(), row.name());
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN " + column
                            + retype.oldDefault().map(d -> " SET DEFAULT (" + d + ")::" + type).orElse(" DROP DEFAULT"));
                    if (retype.notNull()) {
                        ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN " + column
                                + " SET NOT NULL");
                        ShapeViews.execute(connection, "ALTER TABLE " + qualified + " DROP CONSTRAINT " + retype.check());
                    }
                    ShapeViews.execute(connection, "DROP FUNCTION " + retype.sync() + ", " + retype.up() + ", "
                            + retype.down());
                    break;
                }
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

    private static String typeOf(Connection connection, long relid, String column) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = ? AND attname = ? AND NOT attisdropped")) {
            s.setLong(1, relid);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }


    private static boolean notValid(Connection connection, long relid, String constraint) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT NOT convalidated FROM pg_constraint "
                + "WHERE conrelid = ? AND conname = ?")) {
            s.setLong(1, relid);
            s.setString(2, constraint);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
