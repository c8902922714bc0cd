package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.expand.ExpansionTable.Kind;
import dev.lockstep.core.internal.files.ExpandContract;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.TableChange;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What applying an expand/contract migration does instead of running its statements, in the
 * migration's transaction: only what the release still running survives. A column renamed or dropped
 * and a table renamed stay as they are (a dropped column that is {@code NOT NULL} without a default
 * loses its {@code NOT NULL}, so the new release's inserts, which do not name it, succeed); a column
 * added is added; {@code SET NOT NULL} and a new {@code CHECK} or foreign key are added
 * {@code NOT VALID}, checking new rows only. Then the new release's version schema shows the new
 * shape ({@link ShapeViews}), and each change is recorded ({@link ExpansionTable}) for the contract.
 */
public final class Expansion {

    /** {@link ExpansionTable.Row#detail()} of a dropped column whose NOT NULL the expand dropped. */
    static final String NOT_NULL_DROPPED = "not-null-dropped";

    private final ExpansionTable table;

    public Expansion(ExpansionTable table) {
        this.table = table;
    }

    /**
     * Expands {@code migration} on its connection, in its transaction.
     *
     * @throws MigrationFailedException naming the file, the line and what to change, for a change that
     *     cannot be expanded here; the caller rolls the transaction back
     * @throws SQLException as PostgreSQL refuses a statement (a {@code lock_timeout} among them)
     */
    public void expand(Connection connection, LoadedMigration migration, ExpandContract changes) throws SQLException {
        table.create(connection);
        String version = migration.version().toString();
        int step = 0;
        for (ExpandContract.Change change : changes.changes()) {
            step++;
            TableChange what = change.change();
            long relid = relid(connection, migration, change);
            String qualified = qualified(connection, relid);
            if (what instanceof TableChange.RenameColumn rename) {
                attnum(connection, migration, change, relid, rename.column());
                table.insert(connection, version, step, relid, Kind.RENAME_COLUMN, rename.column(),
                        Optional.of(rename.to()), Optional.empty());
            } else if (what instanceof TableChange.DropColumn drop) {
                attnum(connection, migration, change, relid, drop.column());
                boolean notNullDropped = requiredWithoutDefault(connection, relid, drop.column());
                if (notNullDropped) {
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN "
                            + Identifiers.quote(drop.column()) + " DROP NOT NULL");
                }
                table.insert(connection, version, step, relid, Kind.DROP_COLUMN, drop.column(), Optional.empty(),
                        notNullDropped ? Optional.of(NOT_NULL_DROPPED) : Optional.empty());
            } else if (what instanceof TableChange.AddColumn add) {
                ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD COLUMN "
                        + Identifiers.quote(add.column()) + " " + add.definition());
                table.insert(connection, version, step, relid, Kind.ADD_COLUMN, add.column(), Optional.empty(),
                        Optional.empty());
            } else if (what instanceof TableChange.SetNotNull notNull) {
                attnum(connection, migration, change, relid, notNull.column());
                String constraint = Identifiers.suffixed(notNull.column(), "_not_null_" + version.replace('.', '_'));
                ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD CONSTRAINT "
                        + Identifiers.quote(constraint) + " CHECK (" + Identifiers.quote(notNull.column())
                        + " IS NOT NULL) NOT VALID");
                table.insert(connection, version, step, relid, Kind.SET_NOT_NULL, notNull.column(),
                        Optional.of(constraint), Optional.empty());
            } else if (what instanceof TableChange.AddConstraint constraint) {
                ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD CONSTRAINT "
                        + Identifiers.quote(constraint.name()) + " " + constraint.definition() + " NOT VALID");
                table.insert(connection, version, step, relid, Kind.ADD_CONSTRAINT, constraint.name(),
                        Optional.of(constraint.name()), Optional.empty());
            } else if (what instanceof TableChange.RenameTable rename) {
                table.insert(connection, version, step, relid, Kind.RENAME_TABLE, relname(connection, relid),
                        Optional.of(rename.to()), Optional.empty());
            } else if (what instanceof TableChange.ChangeType type) {
                throw refused(migration, change, "a column's type cannot be expanded yet (it needs a second column "
                        + "kept in step by triggers, and a backfill); change " + type.column() + "'s type in a migration "
                        + "of its own, or add a column of the new type and fill it with a batched migration");
            } else {
                throw refused(migration, change, "'" + ((TableChange.Other) what).action() + "' cannot be expanded");
            }
        }
        ShapeViews.refresh(connection, table.expanded(connection), Optional.of(migration.version()));
    }

    private static long relid(Connection connection, LoadedMigration migration, ExpandContract.Change change)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT c.oid, c.relkind FROM pg_class c "
                + "WHERE c.oid = to_regclass(?)")) {
            s.setString(1, change.change().table());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw refused(migration, change, "the table " + change.change().table() + " does not exist (looked "
                            + "up on the search_path the migration runs with)");
                }
                String kind = rs.getString(2);
                if (!kind.equals("r") && !kind.equals("p")) {
                    throw refused(migration, change, change.change().table() + " is not a table");
                }
                return rs.getLong(1);
            }
        }
    }

    private static void attnum(Connection connection, LoadedMigration migration, ExpandContract.Change change,
            long relid, String column) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM pg_attribute WHERE attrelid = ? "
                + "AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            s.setLong(1, relid);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw refused(migration, change, "the table " + change.change().table() + " has no column "
                            + column);
                }
            }
        }
    }

    private static boolean requiredWithoutDefault(Connection connection, long relid, String column) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT attnotnull AND NOT atthasdef AND attidentity = '' "
                + "AND attgenerated = '' FROM pg_attribute WHERE attrelid = ? AND attname = ?")) {
            s.setLong(1, relid);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String relname(Connection connection, long relid) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT relname FROM pg_class WHERE oid = ?")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static String qualified(Connection connection, long relid) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || "
                + "quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static MigrationFailedException refused(LoadedMigration migration, ExpandContract.Change change,
            String why) {
        return new MigrationFailedException("Migration " + migration.file() + " was not applied: line " + change.line()
                + ": " + why + ".\n  Nothing was recorded and its transaction was rolled back.", migration.file(),
                change.line(), null);
    }
}
