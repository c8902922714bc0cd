package dev.lockstep.core.internal.jobs;

import dev.lockstep.core.BatchedMigration;
import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.Batched;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What applying a batched migration does instead of running its statement: checks that its job can
 * run (the table, an integer key with a btree index leading with it, the class) and returns the
 * statements that record the job, which go into the migration's transaction with its tracker row.
 */
public final class JobCreation {

    private static final long SMALL_TABLE_BYTES = 64L * 1024 * 1024;
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

    private final JobTable table;
    private final int batchSize;
    private final ClassLoader classLoader;

    public JobCreation(JobTable table, int batchSize, ClassLoader classLoader) {
        this.table = table;
        this.batchSize = batchSize;
        this.classLoader = classLoader;
    }

    /**
     * The statements that record the job, on the migration's connection (its session as the
     * migration's statements would see it), after the checks.
     *
     * @throws MigrationFailedException naming the file and what to change
     */
    public List<String> sql(Connection connection, LoadedMigration migration, Batched batched,
            Optional<SqlStatement> statement) throws SQLException {
        return sql(connection, migration, batched, statement, Optional.empty());
    }

    /**
     * As {@link #sql(Connection, LoadedMigration, Batched, Optional)}, for a job that does the keys up
     * to {@code lastKey} only: those of the rows there were when it was recorded.
     */
    public List<String> sql(Connection connection, LoadedMigration migration, Batched batched,
            Optional<SqlStatement> statement, Optional<Long> lastKey) throws SQLException {
        String file = migration.file();
        if (migration.repeatable()) {
            throw refused(file, "a repeatable migration cannot be batched: its job would start again each time the "
                    + "file changes. Give it a version");
        }
        long estimatedRows;
        int keyNumber;
        long relationBytes;
        // Never analysed: -1 from PostgreSQL 14, 0 pages before (an estimate of 0 rows would show no progress).
        try (PreparedStatement s = connection.prepareStatement("SELECT CASE WHEN c.relpages = 0 THEN -1 ELSE "
                + "c.reltuples::bigint END, a.attnum, "
                + "format_type(a.atttypid, NULL), pg_relation_size(c.oid) FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid "
                + "AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped WHERE c.oid = to_regclass(?)")) {
            s.setString(1, batched.key().toLowerCase(Locale.ROOT));
            s.setString(2, batched.table());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw refused(file, "the table " + batched.table() + " that '-- lockstep:batched' names does not "
                            + "exist (looked up on the search_path the migration runs with); create it in an earlier "
                            + "migration, or correct table=");
                }
                estimatedRows = rs.getLong(1);
                relationBytes = rs.getLong(4);
                keyNumber = rs.getInt(2);
                if (rs.wasNull()) {
                    throw refused(file, "the table " + batched.table() + " has no column " + batched.key()
                            + " (key= in '-- lockstep:batched'); name its integer key");
                }
                String type = rs.getString(3);
                if (!INTEGER_TYPES.contains(type)) {
                    throw refused(file, "the key " + batched.key() + " of " + batched.table() + " is " + type
                            + "; batches follow an integer key (smallint, integer or bigint). Name another key");
                }
            }
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i "
                + "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
                + "WHERE i.indrelid = to_regclass(?) AND i.indkey[0] = ? AND am.amname = 'btree' AND i.indisvalid "
                + "AND i.indpred IS NULL)")) {
            s.setString(1, batched.table());
            s.setInt(2, keyNumber);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw refused(file, "no valid btree index of " + batched.table() + " starts with " + batched.key()
                            + ", so finding each batch would read the whole table. Index it in an earlier migration "
                            + "(CREATE INDEX CONCURRENTLY ON " + batched.table() + " (" + batched.key() + ")), or name "
                            + "the primary key");
                }
            }
        }
        if (estimatedRows < 0) {
            estimatedRows = unanalysed(connection, batched, relationBytes);
        }
        batched.javaClass().ifPresent(name -> checkClass(file, name));
        List<String> sql = new ArrayList<>();
        if (!table.exists(connection)) {
            sql.addAll(table.createSql());
        } else if (lastKey.isPresent()) {
            sql.add(table.addLastKeySql());
        }
        sql.add(table.insertSql(migration, batched, statement.map(SqlStatement::text), batchSize, estimatedRows, lastKey));
        return sql;
    }

    /**
     * The rows of a table never analysed (no pages counted yet): counted when it is small
     * (made or filled by an earlier migration of this run, most likely), else the span of its keys.
     */
    private static long unanalysed(Connection connection, Batched batched, long relationBytes) throws SQLException {
        String sql = relationBytes < SMALL_TABLE_BYTES ? "SELECT count(*) FROM " + batched.table()
                : "SELECT coalesce(max(" + batched.key() + ") - min(" + batched.key() + ") + 1, 0) FROM " + batched.table();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void checkClass(String file, String name) {
        Class<?> type;
        try {
            type = Class.forName(name, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw refused(file, "the class " + name + " (class= in '-- lockstep:batched') is not on the class path: "
                    + e);
        }
        if (!BatchedMigration.class.isAssignableFrom(type)) {
            throw refused(file, "the class " + name + " does not implement " + BatchedMigration.class.getName());
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw refused(file, "the class " + name + " has no public constructor without arguments");
        }
    }

    private static MigrationFailedException refused(String file, String why) {
        return new MigrationFailedException("Migration " + file + " was not applied: " + why + ".\n  Nothing was "
                + "recorded and its transaction was rolled back.", file, 0, null);
    }
}
