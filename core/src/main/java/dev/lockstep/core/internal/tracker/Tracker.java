package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.files.DownMigration;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationId;
import dev.lockstep.core.internal.sql.Literals;
import dev.lockstep.core.internal.sql.PostgresHash;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tracker table: one row per applied migration, keyed by (version, version_text, name) (see
 * {@link MigrationVersion} for the two version columns). Holds only SQL; every
 * identifier in it is quoted and schema-qualified, so {@code search_path} changes made by a
 * migration never redirect it.
 */
public final class Tracker {

    private static final System.Logger LOG = System.getLogger(Tracker.class.getName());

    private final String schema;
    private final String table;
    private final boolean schemaConfigured;
    private final String qualified;
    /** Whether the table has today's layout; learnt when it is created or read. */
    private volatile boolean versionTextColumn;

    private Tracker(String schema, String table, boolean schemaConfigured) {
        this.schema = schema;
        this.table = table;
        this.schemaConfigured = schemaConfigured;
        this.qualified = Identifiers.qualify(schema, table);
    }

    /** Resolves the schema once: the configured one, else the connection's current schema. */
    public static Tracker resolve(Connection connection, Optional<String> configuredSchema, String table)
            throws SQLException {
        if (configuredSchema.isPresent()) {
            return new Tracker(configuredSchema.get(), table, true);
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

    /** The schema it lives in, unquoted. */
    public String schema() {
        return schema;
    }

    /** {@code "schema"."table"}, quoted, for SQL. */
    public String qualifiedName() {
        return qualified;
    }

    /** {@code schema.table}, unquoted, for messages and for deriving the lock key. */
    public String displayName() {
        return schema + "." + table;
    }

    public boolean exists(Connection connection) throws SQLException {
        return exists(connection, qualified);
    }

    /** Whether the table {@code qualifiedName} ({@code "schema"."table"}) exists. */
    public static boolean exists(Connection connection, String qualifiedName) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, qualifiedName);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Brings a table made by an earlier Lockstep to today's layout; runs under the migration lock,
     * on a table that exists. A runner without ALTER privileges works once the table is up to date.
     */
    public void upgradeIfOld(Connection connection) throws SQLException {
        if (!hasColumn(connection, "version_text")) {
            addVersionText(connection);
        }
        versionTextColumn = true;
        if (!hasColumn(connection, "down_sql")) {
            addUndoColumns(connection);
        } else {
            allowUndoing(connection);
        }
    }

    /**
     * Trackers made before undo was journaled: {@code undoing} allowed in {@code state}. The CHECK is
     * replaced in one transaction over a table of one row per migration; an older Lockstep refuses to
     * start on an {@code undoing} row (an unknown state) rather than misread it.
     */
    /**
     * The tracker's CHECK constraints, selected before {@code pg_get_constraintdef} reads any: that
     * function opens the constraint's table, and the {@code OFFSET 0} keeps the planner from calling it
     * on another table's constraint, which a concurrent {@code DROP} may be removing ("could not open
     * relation with OID"). One parameter: the tracker's qualified name.
     */
    private static final String TRACKER_CHECKS = "(SELECT conname, oid FROM pg_constraint WHERE conrelid = "
            + "to_regclass(?) AND contype = 'c' OFFSET 0) AS tracker_checks";

    private void allowUndoing(Connection connection) throws SQLException {
        String check;
        try (PreparedStatement find = connection.prepareStatement("SELECT conname FROM " + TRACKER_CHECKS
                + " WHERE pg_get_constraintdef(oid) LIKE '%state%' AND pg_get_constraintdef(oid) NOT LIKE '%undoing%'")) {
            find.setString(1, qualified);
            try (ResultSet rs = find.executeQuery()) {
                check = rs.next() ? rs.getString(1) : null;
            }
        }
        if (check == null) {
            return;
        }
        InTransaction.run(connection, s -> s.execute("ALTER TABLE " + qualified + " DROP CONSTRAINT "
                + Identifiers.quote(check) + ", ADD CONSTRAINT " + Identifiers.quote(table + "_state_check") + " CHECK ("
                + STATES + ")"));
        LOG.log(Level.INFO, "Allowed the state 'undoing' in the tracker " + displayName() + " (a down outside a "
                + "transaction marks its row before its first statement, so an interrupted undo is seen)");
    }

    /**
     * Trackers made before undo: the columns that keep each migration's down SQL and who undid it, and
     * {@code undone} allowed in {@code state}. Nullable columns without a default are a catalog change
     * (no rewrite), and an older Lockstep's {@code INSERT}s name their columns, so it keeps writing
     * rows; it refuses to start on a tracker with an {@code undone} row (an unknown state), rather than
     * misread it.
     */
    private void addUndoColumns(Connection connection) throws SQLException {
        InTransaction.run(connection, s -> {
            String check = null;
            try (PreparedStatement find = connection.prepareStatement("SELECT conname FROM " + TRACKER_CHECKS
                    + " WHERE pg_get_constraintdef(oid) LIKE '%state%'")) {
                find.setString(1, qualified);
                try (ResultSet rs = find.executeQuery()) {
                    check = rs.next() ? rs.getString(1) : null;
                }
            }
            s.execute("ALTER TABLE " + qualified + " ADD COLUMN down_sql text, ADD COLUMN down_checksum text, "
                    + "ADD COLUMN down_file text, ADD COLUMN undone_at timestamptz, ADD COLUMN undone_by text"
                    + (check == null ? "" : ", DROP CONSTRAINT " + Identifiers.quote(check))
                    + ", ADD CONSTRAINT " + Identifiers.quote(table + "_state_check") + " CHECK (" + STATES + ")");
        });
        LOG.log(Level.INFO, "Added the columns down_sql, down_checksum, down_file, undone_at and undone_by to the "
                + "tracker " + displayName() + " (each applied migration keeps its down SQL there, so any release "
                + "can undo it)");
    }

    /** Undoes a migration's row: its down ran. Kept, with who and when, for history. */
    public String markUndoneSql(MigrationId id, String undoneBy) {
        return "UPDATE " + qualified + " SET state = 'undone', undone_at = now(), undone_by = "
                + escapedLiteral(undoneBy) + " WHERE state IN ('applied', 'undoing') AND " + whereSql(id);
    }

    /**
     * Marks a row {@code undoing} before the first statement of a down that runs outside a
     * transaction, so that an undo interrupted half-way is seen by every later command.
     */
    public String markUndoingSql(MigrationId id, String undoneBy) {
        return "UPDATE " + qualified + " SET state = 'undoing', undone_at = now(), undone_by = "
                + escapedLiteral(undoneBy) + " WHERE state = 'applied' AND " + whereSql(id);
    }

    /** An interrupted undo whose down's statements were put back (or none took effect): the row is applied again. */
    public String backToAppliedSql(MigrationId id) {
        return "UPDATE " + qualified + " SET state = 'applied', undone_at = NULL, undone_by = NULL WHERE state = "
                + "'undoing' AND " + whereSql(id) + ";";
    }

    /** An interrupted undo finished by hand: the row is undone. */
    public String finishUndoSql(MigrationId id) {
        return "UPDATE " + qualified + " SET state = 'undone', undone_at = now() WHERE state = 'undoing' AND "
                + whereSql(id) + ";";
    }

    /** The stored down SQL of applied rows, by migration: what an undo runs when no file is at hand. */
    public Map<MigrationId, StoredDown> storedDowns(Connection connection) throws SQLException {
        Map<MigrationId, StoredDown> downs = new LinkedHashMap<>();
        if (!hasColumn(connection, "down_sql")) {
            return downs;
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT version, "
                + (versionTextColumn ? "version_text" : "''") + ", name, down_sql, down_checksum, down_file FROM "
                + qualified + " WHERE state IN ('applied', 'undoing') AND down_sql IS NOT NULL")) {
            while (rs.next()) {
                MigrationId id = new MigrationId(version(rs.getLong(1), rs.getString(2)), rs.getString(3));
                downs.put(id, new StoredDown(rs.getString(4), rs.getString(5), rs.getString(6)));
            }
        }
        return downs;
    }

    /** A migration's down as its tracker row keeps it. */
    public record StoredDown(String sql, String checksum, String file) {
    }

    /** Creates the table (and a configured schema); runs under the migration lock, on a table that does not exist. */
    public void create(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (schemaConfigured) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
            }
            s.execute(createSql());
        }
        versionTextColumn = true;
    }

    /** The table as it is created today. */
    private String createSql() {
        return "CREATE TABLE IF NOT EXISTS " + qualified + " ("
                + "version bigint NOT NULL, "
                + "version_text text NOT NULL DEFAULT '', "
                + "name text NOT NULL, "
                + "checksum text, "
                + "state text NOT NULL CONSTRAINT " + Identifiers.quote(table + "_state_check") + " CHECK (" + STATES
                + "), "
                + "applied_at timestamptz NOT NULL DEFAULT now(), "
                + "execution_ms bigint, "
                + "applied_by text, "
                + "down_sql text, down_checksum text, down_file text, undone_at timestamptz, undone_by text, "
                + "PRIMARY KEY (version, version_text, name))";
    }

    private boolean hasColumn(Connection connection, String column) throws SQLException {
        try (PreparedStatement has = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_attribute "
                + "WHERE attrelid = to_regclass(?) AND attname = ? AND NOT attisdropped)")) {
            has.setString(1, qualified);
            has.setString(2, column);
            try (ResultSet rs = has.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Trackers made before dotted and repeatable versions key rows by (version, name). The new
     * column's constant default makes adding it a catalog change, with no rewrite; the key is
     * rebuilt over a table of one row per migration, in one transaction.
     */
    private void addVersionText(Connection connection) throws SQLException {
        InTransaction.run(connection, s -> {
            String primaryKey;
            try (PreparedStatement pk = connection.prepareStatement(
                    "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'p'")) {
                pk.setString(1, qualified);
                try (ResultSet rs = pk.executeQuery()) {
                    primaryKey = rs.next() ? rs.getString(1) : null;
                }
            }
            s.execute("ALTER TABLE " + qualified + " ADD COLUMN version_text text NOT NULL DEFAULT ''");
            s.execute("ALTER TABLE " + qualified
                    + (primaryKey == null ? "" : " DROP CONSTRAINT " + Identifiers.quote(primaryKey) + ",")
                    + " ADD PRIMARY KEY (version, version_text, name)");
        });
        LOG.log(Level.INFO, "Added the column version_text to the tracker " + displayName() + " (it holds dotted "
                + "versions such as 1.1 and R for repeatable migrations; whole-number versions leave it empty)");
    }

    /** Reads every row; a tracker made by an earlier Lockstep (no {@code version_text}) reads as well. */
    public List<AppliedRow> read(Connection connection) throws SQLException {
        List<AppliedRow> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + qualified + " ORDER BY version, name")) {
            boolean withText = hasColumn(rs.getMetaData(), "version_text");
            versionTextColumn = withText;
            while (rs.next()) {
                Timestamp appliedAt = rs.getTimestamp("applied_at");
                Long executionMs = rs.getObject("execution_ms", Long.class);
                MigrationVersion version = version(rs.getLong("version"), withText ? rs.getString("version_text") : "");
                rows.add(new AppliedRow(new MigrationId(version, rs.getString("name")), rs.getString("checksum"),
                        RowState.of(rs.getString("state")),
                        appliedAt == null ? null : appliedAt.toInstant(), executionMs, rs.getString("applied_by")));
            }
        }
        return rows;
    }

    private static boolean hasColumn(ResultSetMetaData meta, String column) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnName(i).equals(column)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One row's part of the tracker's digest: {@code hashtextextended} over the row's version,
     * version_text, name and checksum, as {@link #digest} computes it on the server. A build sums
     * it over every up migration, wrapping at 64 bits ({@link dev.lockstep.core.LockstepIndex}).
     */
    public static long digestOf(MigrationId id, String checksum) {
        return PostgresHash.textExtended(versionColumn(id.version()) + "\t" + versionTextColumn(id.version()) + "\t"
                + id.name() + "\t" + checksum);
    }

    /** The whole tracker in one row: how many rows, how many not applied, and their digest. */
    public record Digest(long rows, long notApplied, long digest) {
    }

    /**
     * The tracker's {@link Digest}, computed by the server in one query; empty when the server
     * cannot compute the one a build computes (not UTF-8) or the table predates
     * {@code version_text}. The caller reads the rows then, as it would without a digest.
     */
    public Optional<Digest> digest(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), "
                + "count(*) FILTER (WHERE state <> 'applied'), coalesce(sum(hashtextextended(version::text || E'\\t' || "
                + "version_text || E'\\t' || name || E'\\t' || coalesce(checksum, ''), 0)), 0)::text, "
                + "current_setting('server_encoding') FROM " + qualified)) {
            rs.next();
            if (!rs.getString(4).equals("UTF8")) {
                return Optional.empty();
            }
            // The server sums exactly (numeric); the build's sum wraps at 64 bits: compare the low 64 bits.
            return Optional.of(new Digest(rs.getLong(1), rs.getLong(2), new BigInteger(rs.getString(3)).longValue()));
        } catch (SQLException e) {
            if (UNDEFINED_COLUMN.equals(e.getSQLState())) {
                return Optional.empty(); // a tracker from before version_text: the locked run upgrades it
            }
            throw e;
        }
    }

    private static final String UNDEFINED_COLUMN = "42703";

    /** How many rows say applied: a cheap first look before reading them all. */
    public int countApplied(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + qualified + " WHERE state = 'applied'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The {@code INSERT} that records a non-transactional migration as started, before its first
     * statement, as plain SQL so it can travel with the fence before that statement. It inserts
     * no row (update count 0) when the tracker already records the migration as started or
     * applied; {@link #alreadyStarted} says so. A repeatable migration's row from its last run
     * takes the new checksum and goes back to running.
     */
    public String insertRunningSql(LoadedMigration migration, String appliedBy) {
        Optional<DownMigration> down = migration.keptDown();
        return "INSERT INTO " + qualified
                + " (version, version_text, name, checksum, state, applied_by, down_sql, down_checksum, down_file) "
                + "VALUES (" + versionColumn(migration.version()) + ", "
                + escapedLiteral(versionTextColumn(migration.version())) + ", " + escapedLiteral(migration.name()) + ", "
                + orNull(migration.checksum()) + ", 'running', " + orNull(appliedBy) + ", "
                + orNull(down.map(DownMigration::text).orElse(null)) + ", "
                + orNull(down.map(DownMigration::checksum).orElse(null)) + ", "
                + orNull(down.map(DownMigration::file).orElse(null))
                + ") ON CONFLICT (version, version_text, name) DO UPDATE SET "
                + "checksum = EXCLUDED.checksum, state = EXCLUDED.state, applied_at = now(), execution_ms = NULL, "
                + "applied_by = EXCLUDED.applied_by, down_sql = EXCLUDED.down_sql, down_checksum = "
                + "EXCLUDED.down_checksum, down_file = EXCLUDED.down_file"
                + (migration.repeatable() ? "" : " WHERE " + qualified + ".state = 'undone'");
    }

    /** Why a migration's run stopped before its first statement: {@link #insertRunningSql} inserted no row. */
    public LockstepException alreadyStarted(LoadedMigration migration) {
        return new LockstepException("The tracker " + displayName() + " already records " + migration.id()
                + " as started or applied, so its run was stopped before its first statement");
    }

    /**
     * The {@code INSERT} of an applied row as plain SQL, so it can travel in the migration's own
     * batch. {@code execution_ms} is measured by the server: from the transaction's start
     * ({@code now()}) to this statement ({@code clock_timestamp()}). A repeatable migration
     * replaces its row from the last run.
     */
    public String insertAppliedSql(LoadedMigration migration, String appliedBy) {
        return insertSql(migration.id(), migration.checksum(),
                "(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint", appliedBy, migration.keptDown())
                + " ON CONFLICT (version, version_text, name) DO UPDATE SET "
                + "checksum = EXCLUDED.checksum, state = EXCLUDED.state, applied_at = EXCLUDED.applied_at, "
                + "execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by, down_sql = EXCLUDED.down_sql, "
                + "down_checksum = EXCLUDED.down_checksum, down_file = EXCLUDED.down_file"
                + (migration.repeatable() ? "" : " WHERE " + qualified + ".state = 'undone'");
    }

    /** A row for a migration recorded as applied without running it: the schema already has it. */
    String insertBaselineSql(AppliedRow row) {
        return insertSql(row.id(), row.checksum(), "NULL", row.appliedBy(), Optional.empty());
    }

    /** An applied row; the down columns only when there is a down, so the statement fits any tracker layout. */
    private String insertSql(MigrationId id, String checksum, String executionMs, String appliedBy,
            Optional<DownMigration> down) {
        return "INSERT INTO " + qualified + " (version, version_text, name, checksum, state, execution_ms, applied_by"
                + (down.isPresent() ? ", down_sql, down_checksum, down_file" : "") + ") "
                + "VALUES (" + versionColumn(id.version()) + ", " + escapedLiteral(versionTextColumn(id.version())) + ", "
                + escapedLiteral(id.name()) + ", " + orNull(checksum)
                + ", 'applied', " + executionMs + ", " + orNull(appliedBy)
                + down.map(d -> ", " + escapedLiteral(d.text()) + ", " + escapedLiteral(d.checksum()) + ", "
                        + escapedLiteral(d.file())).orElse("") + ")";
    }

    /** The row of a migration another tool applied, as it was recorded there. */
    String insertAdoptedSql(AppliedRow row) {
        return "INSERT INTO " + qualified + " (version, version_text, name, checksum, state, applied_at, execution_ms, "
                + "applied_by) VALUES (" + versionColumn(row.version()) + ", "
                + escapedLiteral(versionTextColumn(row.version())) + ", " + escapedLiteral(row.name()) + ", "
                + orNull(row.checksum()) + ", 'applied', "
                + (row.appliedAt() == null ? "now()" : escapedLiteral(row.appliedAt().toString()) + "::timestamptz")
                + ", " + (row.executionMs() == null ? "NULL" : row.executionMs()) + ", "
                + escapedLiteral(row.appliedBy()) + ")";
    }

    /** Removes a migration's row: a non-transactional migration that failed before anything took effect. */
    public void deleteRow(Connection connection, MigrationId id) throws SQLException {
        try (Statement delete = connection.createStatement()) {
            delete.executeUpdate(deleteRowSql(id));
        }
    }

    /** A {@code running} row from an interrupted run, taken over by this run to finish its migration. */
    public void takeOverRunning(Connection connection, LoadedMigration migration, String appliedBy) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + qualified
                + " SET applied_by = ?, applied_at = now() WHERE state = 'running' AND " + whereSql(migration.id()))) {
            update.setString(1, appliedBy);
            update.executeUpdate();
        }
    }

    /** The {@code UPDATE} of a non-transactional migration's row to {@code applied}, as plain SQL. */
    public String markAppliedSql(LoadedMigration migration, long executionMs) {
        return "UPDATE " + qualified + " SET state = 'applied', execution_ms = " + executionMs
                + ", applied_at = now() WHERE " + whereSql(migration.id());
    }

    /** The statement an operator runs to mark an interrupted migration as done. */
    public String completeRowSql(MigrationId id) {
        return "UPDATE " + qualified + " SET state = 'applied' WHERE " + whereSql(id) + ";";
    }

    /** The statement an operator runs to forget an interrupted or renamed migration's row. */
    public String deleteRowSql(MigrationId id) {
        return "DELETE FROM " + qualified + " WHERE " + whereSql(id) + ";";
    }

    /** The statement an operator runs to accept a renamed file. */
    public String renameRowSql(MigrationId id, String newName) {
        return "UPDATE " + qualified + " SET name = " + literal(newName) + " WHERE " + whereSql(id) + ";";
    }

    /** The statement an operator runs to accept an edited file. */
    public String acceptChecksumSql(MigrationId id, String checksum) {
        return "UPDATE " + qualified + " SET checksum = " + literal(checksum) + " WHERE " + whereSql(id) + ";";
    }

    /**
     * The condition that picks one row. A tracker made by an earlier Lockstep has no
     * {@code version_text} column, and only whole-number versions, which need none.
     */
    /** The condition that picks one migration's row, as SQL. */
    public String whereSql(MigrationId id) {
        String text = versionTextColumn(id.version());
        return "version = " + versionColumn(id.version())
                + (versionTextColumn || !text.isEmpty() ? " AND version_text = " + literal(text) : "")
                + " AND name = " + literal(id.name());
    }

    /** The {@code version} column: the version's first part, 0 for a repeatable migration. */
    static long versionColumn(MigrationVersion version) {
        return version.major();
    }

    /** The {@code version_text} column: {@code ''} for a whole number, {@code 1.1} dotted, {@code R} repeatable. */
    static String versionTextColumn(MigrationVersion version) {
        return version.whole() ? "" : version.toString();
    }

    /** The version the two columns hold; {@code ''} text (or a tracker without the column) for a whole number. */
    static MigrationVersion version(long version, String versionText) {
        if (versionText == null || versionText.isEmpty()) {
            return MigrationVersion.of(version);
        }
        return versionText.equals(MigrationVersion.REPEATABLE.toString()) ? MigrationVersion.REPEATABLE
                : MigrationVersion.parse(versionText);
    }

    /** A string literal for the statements shown to an operator. */
    private static final String STATES = "state IN ('applied', 'running', 'undone', 'undoing')";

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String escapedLiteral(String value) {
        return Literals.escaped(value);
    }

    /** A literal, or {@code NULL} for null. */
    private static String orNull(String value) {
        return value == null ? "NULL" : escapedLiteral(value);
    }
}
