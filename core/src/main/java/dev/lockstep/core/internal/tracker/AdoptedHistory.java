package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationId;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Another tool's history, taken over on the first run, while the Lockstep tracker does not exist
 * yet: Flyway's {@code flyway_schema_history} or golang-migrate's {@code schema_migrations}, in
 * the tracker's schema. This class only reads; the run records its rows in the same transaction
 * that creates the tracker, and leaves the other tool's table as it was.
 */
public final class AdoptedHistory {

    static final String FLYWAY_TABLE = "flyway_schema_history";
    static final String GOLANG_TABLE = "schema_migrations";
    /** How {@code applied_by} starts for every adopted row. */
    static final String MARK = "adopted from ";
    /** The checksum of a file Flyway applied with other content: the plan reports it as changed. */
    static final String FLYWAY_CHECKSUM_PREFIX = "flyway-crc32:";

    private static final System.Logger LOG = System.getLogger(AdoptedHistory.class.getName());

    /**
     * @param table the other tool's table, schema-qualified, for messages
     * @param rows the tracker rows it amounts to
     */
    public record Found(String table, List<AppliedRow> rows) {
    }

    private AdoptedHistory() {
    }

    /**
     * Finds and reads the other tool's table, if there is one.
     *
     * @throws LockstepException when the history cannot be taken over: a failed Flyway migration,
     *     a dirty golang-migrate version, both tools' tables
     */
    public static Optional<Found> read(Connection connection, Tracker tracker, List<LoadedMigration> onDisk) throws SQLException {
        String schema = tracker.schema();
        boolean flyway = Tracker.exists(connection, Identifiers.qualify(schema, FLYWAY_TABLE));
        boolean golang = Tracker.exists(connection, Identifiers.qualify(schema, GOLANG_TABLE))
                && isGolangMigrate(connection, schema);
        if (flyway && golang) {
            throw new LockstepException("Nothing was applied: the schema " + schema + " has two histories, Flyway's "
                    + FLYWAY_TABLE + " and golang-migrate's " + GOLANG_TABLE + ", and Lockstep cannot tell which one "
                    + "describes this schema. Rename or drop the one no longer in use, then start again.");
        }
        if (flyway) {
            return Optional.of(new Found(schema + "." + FLYWAY_TABLE, flyway(connection, schema, onDisk)));
        }
        if (golang) {
            return Optional.of(new Found(schema + "." + GOLANG_TABLE, golang(connection, schema, onDisk)));
        }
        return Optional.empty();
    }

    /** Creates the tracker and records the adopted rows, in one transaction: all of them or nothing. */
    public static void record(Connection connection, Tracker tracker, Found found) throws SQLException {
        InTransaction.run(connection, s -> {
            tracker.create(connection);
            for (AppliedRow row : found.rows()) {
                s.addBatch(tracker.insertAdoptedSql(row));
            }
            s.executeBatch();
        });
        LOG.log(Level.INFO, "Adopted " + found.rows().size() + " migration(s) from " + found.table() + " into "
                + tracker.displayName() + "; " + found.table() + " is left as it was and no longer read");
    }

    /** Other tools use the name too (Rails: one text column): only golang-migrate's two columns count. */
    private static boolean isGolangMigrate(Connection connection, String schema) throws SQLException {
        try (PreparedStatement columns = connection.prepareStatement("SELECT array_agg(attname::text || ' ' "
                + "|| format_type(atttypid, atttypmod) ORDER BY attnum) FROM pg_attribute "
                + "WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped")) {
            columns.setString(1, Identifiers.qualify(schema, GOLANG_TABLE));
            try (ResultSet rs = columns.executeQuery()) {
                rs.next();
                Array array = rs.getArray(1);
                List<Object> found = array == null ? List.of() : Arrays.asList((Object[]) array.getArray());
                boolean golang = found.equals(List.of("version bigint", "dirty boolean"));
                if (!golang) {
                    LOG.log(Level.INFO, schema + "." + GOLANG_TABLE + " is not golang-migrate's (its columns are "
                            + found + ", not version bigint and dirty boolean): not adopted");
                }
                return golang;
            }
        }
    }

    /**
     * golang-migrate keeps one row: the last version it applied, and whether that one failed
     * partway ({@code dirty}). Every up file up to that version is taken as applied.
     */
    private static List<AppliedRow> golang(Connection connection, String schema, List<LoadedMigration> onDisk)
            throws SQLException {
        String table = Identifiers.qualify(schema, GOLANG_TABLE);
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, dirty FROM " + table + " LIMIT 1")) {
            if (!rs.next()) {
                return List.of(); // golang-migrate has applied nothing, or migrated all the way down
            }
            long version = rs.getLong(1);
            if (rs.getBoolean(2)) {
                throw new LockstepException("Nothing was applied: golang-migrate's " + schema + "." + GOLANG_TABLE
                        + " says version " + version + " is dirty: that migration failed partway, and golang-migrate "
                        + "itself refuses to go on. Check the schema against the file of version " + version + ", "
                        + "finish or undo what took effect by hand, then record the outcome as golang-migrate would "
                        + "(`migrate force " + version + "` if it is now fully applied, `migrate force <the version "
                        + "before it>` if undone), or in SQL: UPDATE " + table + " SET dirty = false" + " (and, if undone, "
                        + "version = <the version before it>); then start again.");
            }
            String appliedBy = MARK + schema + "." + GOLANG_TABLE + " (golang-migrate at version " + version + ")";
            List<AppliedRow> rows = new ArrayList<>();
            for (LoadedMigration m : onDisk) {
                if (!m.repeatable() && version > 0 && m.version().compareTo(MigrationVersion.of(version)) <= 0) {
                    rows.add(new AppliedRow(m.id(), m.checksum(), RowState.APPLIED, null, null, appliedBy));
                }
            }
            return rows;
        }
    }

    /** One row of {@code flyway_schema_history}. */
    private record FlywayRow(int rank, String version, String description, String type, String script,
            Integer checksum, String installedBy, Timestamp installedOn, Integer executionTime, boolean success) {
    }

    private static List<AppliedRow> flyway(Connection connection, String schema, List<LoadedMigration> onDisk)
            throws SQLException {
        String table = Identifiers.qualify(schema, FLYWAY_TABLE);
        List<FlywayRow> history = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT installed_rank, version, description, type, script, checksum, "
                        + "installed_by, installed_on, execution_time, success FROM " + table + " ORDER BY installed_rank")) {
            while (rs.next()) {
                history.add(new FlywayRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, Integer.class), rs.getString(7), rs.getTimestamp(8),
                        rs.getObject(9, Integer.class), rs.getBoolean(10)));
            }
        }
        List<String> failed = history.stream().filter(r -> !r.success())
                .map(r -> "version " + r.version() + " (" + r.script() + ", installed_rank " + r.rank() + ")").toList();
        if (!failed.isEmpty()) {
            throw new LockstepException("Nothing was applied: Flyway's " + schema + "." + FLYWAY_TABLE + " records "
                    + "failed migration(s): " + String.join(", ", failed) + ". Flyway itself refuses to go on from "
                    + "there. Check the schema against each file, finish or undo what took effect by hand, then delete "
                    + "the failed row(s) (DELETE FROM " + table + " WHERE NOT success; it is what `flyway repair` does) "
                    + "and start again.");
        }
        // Replay the history in order: later rows delete (repair) or undo earlier ones.
        Map<MigrationVersion, FlywayRow> versioned = new LinkedHashMap<>();
        Map<String, FlywayRow> repeatable = new LinkedHashMap<>();
        MigrationVersion baseline = null;
        for (FlywayRow row : history) {
            MigrationVersion version = row.version() == null ? null : version(row, table);
            switch (row.type()) {
                case "SCHEMA" -> { }
                case "BASELINE" -> baseline = version;
                case "DELETE" -> {
                    if (version != null) {
                        versioned.remove(version);
                    } else {
                        repeatable.remove(row.description());
                    }
                }
                default -> {
                    if (row.type().startsWith("UNDO")) {
                        versioned.remove(version);
                    } else if (version != null) {
                        versioned.put(version, row);
                    } else {
                        repeatable.put(row.description(), row);
                    }
                }
            }
        }
        List<AppliedRow> rows = new ArrayList<>();
        String source = schema + "." + FLYWAY_TABLE;
        versioned.forEach((version, row) -> rows.add(adoptVersioned(version, row, onDisk, source)));
        repeatable.forEach((description, row) -> rows.add(adoptRepeatable(row, onDisk, source)));
        if (baseline != null) {
            String appliedBy = MARK + source + " (below Flyway's baseline " + baseline + ")";
            for (LoadedMigration m : onDisk) {
                if (Baseline.isBaselined(m, baseline) && !versioned.containsKey(m.version())) {
                    rows.add(new AppliedRow(m.id(), m.checksum(), RowState.APPLIED, null, null, appliedBy));
                }
            }
        }
        return rows;
    }

    private static MigrationVersion version(FlywayRow row, String table) {
        try {
            return MigrationVersion.parse(row.version());
        } catch (IllegalArgumentException e) {
            throw new LockstepException("Nothing was applied: " + table + " row installed_rank " + row.rank()
                    + " has a version Lockstep cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * A versioned Flyway migration: the file with its version (the one whose name is the
     * description when several share it). Its checksum is ours when Flyway's matches the file,
     * else Flyway's, marked, so that the plan reports the file as changed since it was applied.
     */
    private static AppliedRow adoptVersioned(MigrationVersion version, FlywayRow row, List<LoadedMigration> onDisk,
            String table) {
        List<LoadedMigration> sameVersion = onDisk.stream().filter(m -> m.version().equals(version)).toList();
        LoadedMigration file = sameVersion.stream().filter(m -> describes(row, m)).findFirst()
                .orElse(sameVersion.isEmpty() ? null : sameVersion.get(0));
        String checksum = null;
        if (file != null) {
            checksum = row.checksum() == null || row.checksum() == flywayChecksum(file.text()) ? file.checksum()
                    : FLYWAY_CHECKSUM_PREFIX + row.checksum();
        }
        return adopted(new MigrationId(version, file != null ? file.name() : nameOf(row)), checksum, row, table);
    }

    /**
     * A repeatable Flyway migration, as last applied: with our checksum when the file is unchanged
     * since, without one otherwise, so that it runs again as Flyway would run it.
     */
    private static AppliedRow adoptRepeatable(FlywayRow row, List<LoadedMigration> onDisk, String table) {
        LoadedMigration file = onDisk.stream().filter(m -> m.repeatable() && describes(row, m)).findFirst().orElse(null);
        String checksum = file != null && row.checksum() != null && row.checksum() == flywayChecksum(file.text())
                ? file.checksum() : null;
        return adopted(new MigrationId(MigrationVersion.REPEATABLE, file != null ? file.name() : nameOf(row)), checksum,
                row, table);
    }

    private static AppliedRow adopted(MigrationId id, String checksum, FlywayRow row, String table) {
        return new AppliedRow(id, checksum, RowState.APPLIED, row.installedOn() == null ? null
                : row.installedOn().toInstant(), row.executionTime() == null ? null : row.executionTime().longValue(),
                MARK + table + " (installed_rank " + row.rank() + ", " + row.type() + ", installed by "
                        + row.installedBy() + ")");
    }

    /** Flyway's description is the file's name with underscores as spaces. */
    private static boolean describes(FlywayRow row, LoadedMigration file) {
        return file.name().replace('_', ' ').equals(row.description());
    }

    private static String nameOf(FlywayRow row) {
        return row.description().replace(' ', '_');
    }

    /**
     * Flyway's checksum of a SQL file: CRC32 over the UTF-8 bytes of its lines without their line
     * breaks and without a BOM (Flyway's {@code ChecksumCalculator}), as a signed int.
     */
    public static int flywayChecksum(String text) {
        String withoutBom = text.startsWith("\uFEFF") ? text.substring(1) : text;
        CRC32 crc = new CRC32();
        crc.update(withoutBom.replace("\r", "").replace("\n", "").getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }
}
