package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.expand.ExpansionTable.Kind;
import dev.lockstep.core.internal.files.Batched;
import dev.lockstep.core.internal.files.ExpandContract;
import dev.lockstep.core.internal.jobs.JobCreation;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.sql.StatementAnalyzer;
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
    private final JobCreation jobs;

    /** @param jobs records the backfill of a changed type as a batched migration's job */
    public Expansion(ExpansionTable table, JobCreation jobs) {
        this.table = table;
        this.jobs = jobs;
    }

    /**
     * Builds the unique indexes an expand recorded ({@code ADD CONSTRAINT ... UNIQUE}), after its
     * transaction, each {@code CREATE UNIQUE INDEX CONCURRENTLY} in autocommit and without
     * {@code lock_timeout} (cancelling it half-way would leave an INVALID index): reads and writes go
     * on while it builds, and from then on every write of either release is checked. One already
     * valid (an interrupted run built it) is left; an INVALID one is dropped and built again. A build
     * that fails (duplicate values) drops what it left and fails naming the constraint.
     */
    public void buildUniqueIndexes(Connection connection, LoadedMigration migration) throws SQLException {
        for (ExpansionTable.Row row : table.expanded(connection)) {
            if (row.kind() != Kind.ADD_UNIQUE || !row.migrationVersion().equals(migration.version())) {
                continue;
            }
            String schema = schemaOf(connection, row.relid());
            String index = schema + "." + Identifiers.quote(row.target().orElseThrow());
            Optional<Boolean> valid = indexValid(connection, row.relid(), row.target().orElseThrow());
            if (valid.orElse(false)) {
                continue;
            }
            String timeout = show(connection, "lock_timeout");
            ShapeViews.execute(connection, "SET lock_timeout = 0");
            try {
                if (valid.isPresent()) {
                    ShapeViews.execute(connection, "DROP INDEX CONCURRENTLY IF EXISTS " + index);
                }
                ShapeViews.execute(connection, "CREATE UNIQUE INDEX CONCURRENTLY " + Identifiers.quote(
                        row.target().orElseThrow()) + " ON " + qualified(connection, row.relid()) + " "
                        + row.detail().orElseThrow());
            } catch (SQLException e) {
                try {
                    ShapeViews.execute(connection, "DROP INDEX CONCURRENTLY IF EXISTS " + index);
                } catch (SQLException dropFailure) {
                    e.addSuppressed(dropFailure);
                }
                throw new MigrationFailedException("Migration " + migration.file() + " was expanded, but the unique index "
                        + "of constraint " + row.name() + " could not be built: " + e.getMessage() + " [SQLState "
                        + e.getSQLState() + "]. What the build left was dropped; its row stays 'running' and its new "
                        + "shape is not shown. Remove the duplicates (or undo the migration), then start again: the "
                        + "next start builds it again.", migration.file(), 0, e);
            } finally {
                ShapeViews.execute(connection, "SET lock_timeout = '" + timeout.replace("'", "''") + "'");
            }
        }
    }

    /** Whether the index exists on the table (empty when it does not), and whether it is valid. */
    private static Optional<Boolean> indexValid(Connection connection, long relid, String name) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT i.indisvalid FROM pg_index i JOIN pg_class c "
                + "ON c.oid = i.indexrelid WHERE i.indrelid = ? AND c.relname = ?")) {
            s.setLong(1, relid);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
            }
        }
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (java.sql.Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Shows the new shape in {@code migration}'s version schema, once its backfill is done; in the caller's transaction. */
    public void publish(Connection connection, LoadedMigration migration) throws SQLException {
        ShapeViews.refresh(connection, table.expanded(connection), Optional.of(migration.version()));
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
                physical(connection, migration, change, relid, rename.column());
                table.insert(connection, version, step, relid, Kind.RENAME_COLUMN, rename.column(),
                        Optional.of(rename.to()), Optional.empty());
            } else if (what instanceof TableChange.DropColumn drop) {
                String column = physical(connection, migration, change, relid, drop.column());
                boolean notNullDropped = requiredWithoutDefault(connection, relid, column);
                if (notNullDropped) {
                    ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN "
                            + Identifiers.quote(column) + " DROP NOT NULL");
                }
                table.insert(connection, version, step, relid, Kind.DROP_COLUMN, drop.column(), Optional.empty(),
                        notNullDropped ? Optional.of(NOT_NULL_DROPPED) : Optional.empty());
            } else if (what instanceof TableChange.AddColumn add) {
                ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD COLUMN "
                        + Identifiers.quote(add.column()) + " " + add.definition());
                table.insert(connection, version, step, relid, Kind.ADD_COLUMN, add.column(), Optional.empty(),
                        Optional.empty());
            } else if (what instanceof TableChange.SetNotNull notNull) {
                String column = physical(connection, migration, change, relid, notNull.column());
                String constraint = Identifiers.suffixed(notNull.column(), "_not_null_" + version.replace('.', '_'));
                ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD CONSTRAINT "
                        + Identifiers.quote(constraint) + " CHECK (" + Identifiers.quote(column)
                        + " IS NOT NULL) NOT VALID");
                table.insert(connection, version, step, relid, Kind.SET_NOT_NULL, notNull.column(),
                        Optional.of(constraint), Optional.empty());
            } else if (what instanceof TableChange.AddConstraint constraint) {
                ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD CONSTRAINT "
                        + Identifiers.quote(constraint.name()) + " " + constraint.definition() + " NOT VALID");
                table.insert(connection, version, step, relid, Kind.ADD_CONSTRAINT, constraint.name(),
                        Optional.of(constraint.name()), Optional.empty());
            } else if (what instanceof TableChange.AddUnique unique) {
                // Built concurrently once this transaction has committed (buildUniqueIndexes).
                table.insert(connection, version, step, relid, Kind.ADD_UNIQUE, unique.name(), Optional.of(unique.name()),
                        Optional.of(unique.columns()));
            } else if (what instanceof TableChange.RenameTable rename) {
                table.insert(connection, version, step, relid, Kind.RENAME_TABLE, relname(connection, relid),
                        Optional.of(rename.to()), Optional.empty());
            } else if (what instanceof TableChange.ChangeType type) {
                if (!physical(connection, migration, change, relid, type.column()).equals(type.column())) {
                    throw refused(migration, change, type.column() + " is renamed or retyped by an expand/contract "
                            + "migration not yet contracted; change its type once that one is contracted");
                }
                retype(connection, migration, change, type, relid, qualified, step);
            } else {
                throw refused(migration, change, "'" + ((TableChange.Other) what).action() + "' cannot be expanded");
            }
        }
        if (changes.finishesAfterCommit()) {
            // The releases before it see their shape through views from now on; its own waits for the backfill.
            ShapeViews.refresh(connection, table.expanded(connection), Optional.empty(), Optional.of(migration.version()));
        } else {
            publish(connection, migration);
        }
    }

    /**
     * A changed type: a column of the new type beside the old, functions that turn a value each way
     * ({@code USING}, {@code -- lockstep:type-back}, else a cast), a trigger that fills whichever of
     * the two a write did not (an insert through the old shape, or through the new), the old column's
     * default moved to the new one (so an insert that names neither fills both), and the backfill of
     * the rows there are as a batched job over the table's integer primary key.
     */
    private void retype(Connection connection, LoadedMigration migration, ExpandContract.Change change,
            TableChange.ChangeType type, long relid, String qualified, int step) throws SQLException {
        String column = type.column();
        String oldType;
        boolean notNull;
        Optional<String> oldDefault;
        String schema;
        try (PreparedStatement s = connection.prepareStatement("SELECT format_type(a.atttypid, a.atttypmod), "
                + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' OR a.attgenerated <> '', "
                + "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey)) "
                + "OR EXISTS (SELECT 1 FROM pg_constraint c WHERE c.contype <> 'n' AND (c.conrelid = a.attrelid AND a.attnum = ANY (c.conkey)) "
                + "OR (c.confrelid = a.attrelid AND a.attnum = ANY (c.confkey))), quote_ident(n.nspname) "
                + "FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = "
                + "t.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
            s.setLong(1, relid);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw refused(migration, change, "the table " + type.table() + " has no column " + column);
                }
                if (rs.getBoolean(4)) {
                    throw refused(migration, change, column + " is an identity or generated column, whose type "
                            + "cannot be changed through a second column; change it in a migration of its own");
                }
                if (rs.getBoolean(5)) {
                    throw refused(migration, change, column + " is in an index or a constraint, which would have to be "
                            + "built again on the new column; change its type in a migration of its own");
                }
                oldType = rs.getString(1);
                notNull = rs.getBoolean(2);
                oldDefault = Optional.ofNullable(rs.getString(3));
                schema = rs.getString(6);
            }
        }
        String key = integerPrimaryKey(connection, migration, change, relid);
        Retype retype = new Retype(schema, Retype.helperOf(column, migration.version().toString()), notNull, oldDefault);
        String helper = Identifiers.quote(retype.helper());
        String quoted = Identifiers.quote(column);
        ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD COLUMN " + helper + " " + type.type());
        ShapeViews.execute(connection, "CREATE FUNCTION " + retype.up() + "(" + quoted + " " + oldType + ") RETURNS "
                + type.type() + " LANGUAGE sql AS $lockstep$ SELECT (" + type.using().orElse(quoted + "::" + type.type())
                + ")::" + type.type() + " $lockstep$");
        ShapeViews.execute(connection, "CREATE FUNCTION " + retype.down() + "(" + quoted + " " + type.type()
                + ") RETURNS " + oldType + " LANGUAGE sql AS $lockstep$ SELECT (" + change.typeBack().orElse(quoted
                + "::" + oldType) + ")::" + oldType + " $lockstep$");
        if (oldDefault.isPresent()) {
            ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN " + helper + " SET DEFAULT "
                    + retype.up() + "(" + oldDefault.get() + ")");
            ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ALTER COLUMN " + quoted + " DROP DEFAULT");
        }
        if (notNull) {
            ShapeViews.execute(connection, "ALTER TABLE " + qualified + " ADD CONSTRAINT " + retype.check() + " CHECK ("
                    + helper + " IS NOT NULL) NOT VALID");
        }
        // An insert fills the column it did not name (the old one is NULL only when the write came through the
        // new shape, since its default moved); an update fills the one it did not change; an update that changes
        // neither (the backfill's) fills a new column still empty.
        ShapeViews.execute(connection, "CREATE FUNCTION " + retype.sync() + "() RETURNS trigger LANGUAGE plpgsql AS "
                + "$lockstep$ BEGIN\n"
                + "  IF TG_OP = 'INSERT' THEN\n"
                + "    IF NEW." + quoted + " IS NULL THEN NEW." + quoted + " := " + retype.down() + "(NEW." + helper + ");\n"
                + "    ELSE NEW." + helper + " := " + retype.up() + "(NEW." + quoted + "); END IF;\n"
                + "  ELSIF NEW." + quoted + " IS DISTINCT FROM OLD." + quoted + " AND NEW." + helper
                + " IS NOT DISTINCT FROM OLD." + helper + " THEN NEW." + helper + " := " + retype.up() + "(NEW." + quoted + ");\n"
                + "  ELSIF NEW." + helper + " IS DISTINCT FROM OLD." + helper + " AND NEW." + quoted
                + " IS NOT DISTINCT FROM OLD." + quoted + " THEN NEW." + quoted + " := " + retype.down() + "(NEW." + helper + ");\n"
                + "  ELSIF NEW." + helper + " IS NULL AND NEW." + quoted + " IS NOT NULL THEN NEW." + helper + " := "
                + retype.up() + "(NEW." + quoted + ");\n"
                + "  END IF;\n  RETURN NEW;\nEND $lockstep$");
        ShapeViews.execute(connection, "CREATE TRIGGER " + retype.trigger() + " BEFORE INSERT OR UPDATE ON " + qualified
                + " FOR EACH ROW EXECUTE FUNCTION " + retype.sync() + "()");
        table.insert(connection, migration.version().toString(), step, relid, Kind.CHANGE_TYPE, column,
                Optional.of(retype.helper()), Optional.of(retype.detail()));
        String backfill = "UPDATE " + qualified + " SET " + quoted + " = " + quoted + " WHERE " + Identifiers.quote(key)
                + " >= " + Batched.FROM + " AND " + Identifiers.quote(key) + " < " + Batched.TO + " AND " + helper
                + " IS NULL AND " + quoted + " IS NOT NULL";
        // Rows written from now on pass the trigger: the backfill stops at the highest key there is.
        long lastKey;
        try (java.sql.Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max("
                + Identifiers.quote(key) + "), " + Long.MIN_VALUE + ") FROM " + qualified)) {
            rs.next();
            lastKey = rs.getLong(1);
        }
        for (String sql : jobs.sql(connection, migration, new Batched(qualified, key, Optional.empty()),
                Optional.of(new SqlStatement(backfill, change.line(), StatementAnalyzer.analyze(backfill), Optional.empty())),
                Optional.of(lastKey))) {
            ShapeViews.execute(connection, sql);
        }
    }

    private static String integerPrimaryKey(Connection connection, LoadedMigration migration,
            ExpandContract.Change change, long relid) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                + "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = ? AND i.indisprimary "
                + "AND i.indnatts = 1 AND format_type(a.atttypid, NULL) IN ('smallint', 'integer', 'bigint')")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw refused(migration, change, "the table " + change.change().table() + " has no integer "
                            + "primary key of one column, which the backfill of the new column goes through in batches; "
                            + "change the type in a migration of its own");
                }
                return rs.getString(1);
            }
        }
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

    /**
     * The table's column that {@code column}, as the migration names it, is: the names expansions not
     * yet contracted gave are the ones a later migration writes.
     */
    private String physical(Connection connection, LoadedMigration migration, ExpandContract.Change change,
            long relid, String column) throws SQLException {
        for (var entry : ShapeViews.shown(connection, relid, table.expanded(connection), migration.version()).entrySet()) {
            if (entry.getValue().equals(column)) {
                return entry.getKey();
            }
        }
        throw refused(migration, change, "the table " + change.change().table() + " has no column " + column);
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
        return nameOf(connection, relid, "c.relname");
    }

    /** The schema of a table, quoted. */
    static String schemaOf(Connection connection, long relid) throws SQLException {
        return nameOf(connection, relid, "quote_ident(n.nspname)");
    }

    /** The table, qualified and quoted as needed. */
    static String qualified(Connection connection, long relid) throws SQLException {
        return nameOf(connection, relid, "quote_ident(n.nspname) || '.' || quote_ident(c.relname)");
    }

    /** {@code name}, an expression of the table's {@code pg_class c} and {@code pg_namespace n} rows. */
    private static String nameOf(Connection connection, long relid, String name) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT " + name + " FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
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
