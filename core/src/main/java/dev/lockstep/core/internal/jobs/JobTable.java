package dev.lockstep.core.internal.jobs;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.files.Batched;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.lock.LockKeys;
import dev.lockstep.core.internal.sql.Literals;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table beside the tracker ({@code <tracker>_jobs}) with one row per batched migration: the
 * statement each batch runs (placeholders filled, the batch's keys left), and the progress that
 * each batch commits together with its rows ({@code next_key}, {@code rows_done}). The row is
 * written in the transaction that records its migration, so a job exists exactly when its
 * migration is applied.
 */
public final class JobTable {

    private static final String SUFFIX = "_jobs";
    private static final String COLUMNS = "version, name, table_name, key_column, statement, java_class, state, "
            + "next_key, rows_done, batches, batch_size, estimated_rows, created_at, started_at, updated_at, "
            + "finished_at, error, (to_jsonb(j) ->> 'last_key')::bigint AS last_key"; // tables from before it lack it

    private final Tracker tracker;
    private final String qualified;
    private final long runKey;

    /** @param runKey the run lock's key, from which each job's lock key is derived */
    public JobTable(Tracker tracker, String trackerTable, long runKey) {
        this.tracker = tracker;
        this.qualified = Identifiers.qualify(tracker.schema(), tableOf(trackerTable));
        this.runKey = runKey;
    }

    /** The table's name: the tracker's with {@code _jobs}. */
    public static String tableOf(String trackerTable) {
        return Identifiers.suffixed(trackerTable, SUFFIX);
    }

    public String qualifiedName() {
        return qualified;
    }

    /** Where messages say the jobs are. */
    public String displayName() {
        return qualified.replace("\"", "");
    }

    public boolean exists(Connection connection) throws SQLException {
        return Tracker.exists(connection, qualified);
    }

    /**
     * The advisory lock key of one job: one per tracker and job, so jobs of different trackers or
     * versions never wait for each other, and a job never waits for the run lock.
     */
    public long lockKey(String version, String name) {
        return LockKeys.derive(runKey + ":" + tracker.displayName() + ":job:" + version + ":" + name);
    }

    /** The table, for the first batched migration; written under the run lock. */
    List<String> createSql() {
        return List.of("CREATE TABLE IF NOT EXISTS " + qualified + " (version text NOT NULL, name text NOT NULL, "
                + "table_name text NOT NULL, key_column text NOT NULL, statement text, java_class text, "
                + "state text NOT NULL CHECK (state IN ('pending', 'running', 'paused', 'failed', 'finished')), "
                + "next_key bigint, rows_done bigint NOT NULL DEFAULT 0, batches bigint NOT NULL DEFAULT 0, "
                + "batch_size int NOT NULL, estimated_rows bigint NOT NULL DEFAULT 0, "
                + "created_at timestamptz NOT NULL DEFAULT now(), started_at timestamptz, updated_at timestamptz, "
                + "finished_at timestamptz, error text, last_key bigint, PRIMARY KEY (version, name))",
                "COMMENT ON TABLE " + qualified + " IS 'Lockstep: the batched migrations of "
                + tracker.displayName().replace("'", "''") + " and their progress'");
    }

    /**
     * The job's row, in its migration's transaction: a migration applied again after an undo starts
     * its job afresh.
     */
    String insertSql(LoadedMigration migration, Batched batched, Optional<String> statement, int batchSize,
            long estimatedRows, Optional<Long> lastKey) {
        return "INSERT INTO " + qualified + " (version, name, table_name, key_column, statement, java_class, state, "
                + "batch_size, estimated_rows" + (lastKey.isPresent() ? ", last_key" : "") + ") VALUES ("
                + literal(migration.version().toString()) + ", "
                + literal(migration.name()) + ", " + literal(batched.table()) + ", " + literal(batched.key()) + ", "
                + statement.map(JobTable::literal).orElse("NULL") + ", "
                + batched.javaClass().map(JobTable::literal).orElse("NULL") + ", 'pending', " + batchSize + ", "
                + estimatedRows + lastKey.map(key -> ", " + key).orElse("") + ") ON CONFLICT (version, name) DO UPDATE SET table_name = EXCLUDED.table_name, "
                + "key_column = EXCLUDED.key_column, statement = EXCLUDED.statement, java_class = EXCLUDED.java_class, "
                + "state = 'pending', next_key = NULL, rows_done = 0, batches = 0, batch_size = EXCLUDED.batch_size, "
                + "estimated_rows = EXCLUDED.estimated_rows, created_at = now(), started_at = NULL, updated_at = NULL, "
                + "finished_at = NULL, error = NULL";
    }

    /**
     * What a worker needs of one job to run it.
     *
     * @param lastKey the highest key it does, when it has one: rows written after its migration need none
     */
    public record Row(BatchedJob job, Optional<String> statement, Optional<String> javaClass, Optional<Long> lastKey) {
    }

    /**
     * A table made before {@code last_key} was, given it; a job with a last key is recorded after this.
     */
    String addLastKeySql() {
        return "ALTER TABLE " + qualified + " ADD COLUMN IF NOT EXISTS last_key bigint";
    }

    /** Every job, oldest version first, with who runs each now; empty when the table does not exist. */
    public List<Row> read(Connection connection) throws SQLException {
        if (!exists(connection)) {
            return List.of();
        }
        Map<Long, String> holders = holders(connection);
        List<Row> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM " + qualified + " j ORDER BY created_at, version")) {
            while (rs.next()) {
                rows.add(row(rs, holders));
            }
        }
        rows.sort((a, b) -> dev.lockstep.core.MigrationVersion.parse(a.job().version())
                .compareTo(dev.lockstep.core.MigrationVersion.parse(b.job().version())));
        return rows;
    }

    /** One job, read in the current transaction (a batch's), without who runs it. */
    Optional<Row> read(Connection connection, String version, String name) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + qualified
                + " j WHERE version = ? AND name = ?")) {
            s.setString(1, version);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row(rs, Map.of())) : Optional.empty();
            }
        }
    }

    /** The job of {@code version}, as {@link #read(Connection)} reads it. */
    public Row find(Connection connection, String version) throws SQLException {
        String wanted = dev.lockstep.core.MigrationVersion.parse(version).toString();
        return read(connection).stream().filter(row -> row.job().version().equals(wanted)).findFirst()
                .orElseThrow(() -> new LockstepException("No batched migration of version " + version + " has a job in "
                        + displayName() + "; lockstep-cli jobs lists them"));
    }

    private Row row(ResultSet rs, Map<Long, String> holders) throws SQLException {
        String version = rs.getString("version");
        String name = rs.getString("name");
        long next = rs.getLong("next_key");
        Optional<Long> nextKey = rs.wasNull() ? Optional.empty() : Optional.of(next);
        BatchedJob job = new BatchedJob(version, name, rs.getString("table_name"), rs.getString("key_column"),
                JobState.of(rs.getString("state")), rs.getLong("rows_done"), rs.getLong("estimated_rows"),
                rs.getLong("batches"), rs.getInt("batch_size"), nextKey, instant(rs, "created_at").orElseThrow(),
                instant(rs, "started_at"), instant(rs, "updated_at"), instant(rs, "finished_at"),
                Optional.ofNullable(rs.getString("error")), Optional.ofNullable(holders.get(lockKey(version, name))));
        long last = rs.getLong("last_key");
        Optional<Long> lastKey = rs.wasNull() ? Optional.empty() : Optional.of(last);
        return new Row(job, Optional.ofNullable(rs.getString("statement")), Optional.ofNullable(rs.getString("java_class")),
                lastKey);
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return Optional.ofNullable(value).map(Timestamp::toInstant);
    }

    /** The sessions holding an advisory lock in this database, by key: who runs which job. */
    private static Map<Long, String> holders(Connection connection) throws SQLException {
        Map<Long, String> holders = new HashMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT (l.classid::bigint << 32) "
                + "| l.objid::bigint, a.pid, coalesce(nullif(a.application_name, ''), 'a session'), host(a.client_addr) "
                + "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                + "AND l.granted AND l.objsubid = 1 "
                + "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            while (rs.next()) {
                String host = rs.getString(4);
                holders.put(rs.getLong(1), rs.getString(3) + " (pid " + rs.getInt(2) + (host == null ? "" : " on " + host)
                        + ")");
            }
        }
        return holders;
    }

    /** Marks a job as started by its first batch. */
    String progressSql(String version, String name, long nextKey, long rows, int batchSize) {
        return "UPDATE " + qualified + " SET next_key = " + nextKey + ", rows_done = rows_done + " + rows
                + ", batches = batches + 1, batch_size = " + batchSize + ", state = CASE WHEN state = 'pending' THEN "
                + "'running' ELSE state END, started_at = coalesce(started_at, clock_timestamp()), "
                + "updated_at = clock_timestamp() WHERE version = " + literal(version) + " AND name = " + literal(name);
    }

    String finishedSql(String version, String name) {
        return "UPDATE " + qualified + " SET state = 'finished', finished_at = clock_timestamp(), updated_at = "
                + "clock_timestamp(), started_at = coalesce(started_at, clock_timestamp()) WHERE version = "
                + literal(version) + " AND name = " + literal(name);
    }

    String failedSql(String version, String name, String error) {
        return "UPDATE " + qualified + " SET state = 'failed', error = " + literal(error) + ", updated_at = "
                + "clock_timestamp() WHERE version = " + literal(version) + " AND name = " + literal(name)
                + " AND state IN ('pending', 'running')";
    }

    /**
     * An operator's action on a job: pause (a pending or running job), resume (a paused one), retry
     * (a failed one, from the range that failed). Returns the job as it is after it.
     *
     * @throws LockstepException naming the state when the action does not fit it
     */
    public BatchedJob act(Connection connection, String version, JobAction action) throws SQLException {
        Row row = find(connection, version);
        BatchedJob job = row.job();
        if (!action.from().contains(job.state())) {
            throw new LockstepException("Cannot " + action.verb() + " the job of " + job.version() + " " + job.name()
                    + ": it is " + job.state().label() + ", and " + action.verb() + " acts on a "
                    + action.from().stream().map(JobState::label).reduce((a, b) -> a + " or " + b).orElse("")
                    + " job.\n  " + job.describe());
        }
        try (PreparedStatement s = connection.prepareStatement("UPDATE " + qualified + " SET state = ?, error = "
                + "CASE WHEN ? THEN NULL ELSE error END, updated_at = clock_timestamp() WHERE version = ? AND name = ? "
                + "AND state = ?")) {
            s.setString(1, action.to(job).label());
            s.setBoolean(2, action == JobAction.RETRY);
            s.setString(3, job.version());
            s.setString(4, job.name());
            s.setString(5, job.state().label());
            if (s.executeUpdate() != 1) {
                throw new LockstepException("The job of " + job.version() + " " + job.name() + " changed while it was "
                        + action.verb() + "d; nothing was done. Look at it again with lockstep-cli jobs");
            }
        }
        return find(connection, version).job();
    }

    /** Removes a job, in the transaction that undoes its migration. */
    public String deleteSql(String version, String name) {
        return "DELETE FROM " + qualified + " WHERE version = " + literal(version) + " AND name = " + literal(name);
    }

    private static String literal(String value) {
        return Literals.escaped(value);
    }
}
