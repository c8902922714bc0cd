package dev.lockstep.core;

import java.io.IOException;
import java.io.StringReader;
import java.sql.BatchUpdateException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * Applies one migration on the pinned connection and records it.
 * <ul>
 *   <li>Transactional: {@code BEGIN}, the statements, the session put back (when the migration
 *       changed it), the fence and the {@code INSERT} of the tracker row in one batch, {@code COMMIT}. The row commits
 *       with the schema change or not at all, and only while this session holds the lock.</li>
 *   <li>Not transactional: {@code INSERT} a {@code running} row, each statement in autocommit after
 *       the fence, the session put back, {@code UPDATE} the row to {@code applied}. If the process dies
 *       half-way the {@code running} row stays, and the next run stops and asks an operator, rather
 *       than re-running statements that may have taken effect.</li>
 * </ul>
 * Either way a failure names the file and the line of the failing statement, taken from the
 * failure itself: a failed migration is never run a second time to find it.
 */
final class MigrationApplier {

    private static final System.Logger LOG = System.getLogger(MigrationApplier.class.getName());

    private static final String QUERY_CANCELED = "57014";
    private static final String ACTIVE_SQL_TRANSACTION = "25001";
    private static final int BATCH_STATEMENTS = 1000;
    private static final int BATCH_CHARS = 1 << 20;
    /** pgjdbc names the failed batch entry first in its message, in every language it translates to. */
    private static final Pattern FIRST_NUMBER = Pattern.compile("\\d+");

    private static final String ROLLED_BACK = "Nothing was recorded and its transaction was rolled back, so the schema is "
            + "as it was before this migration. Fix the file and start again.";

    private final Tracker tracker;
    private final String appliedBy;
    private final SessionState runState;
    private final String fenceSql;
    private final DdlLockRetries retries;
    private final LockWaitWatcher watcher;
    private final LockstepListener listener;
    /** Of the migration being applied; one run applies one migration at a time. */
    private int lockRetries;

    /**
     * @param lock the run's lock, whose fence fails unless this session holds it
     * @param runState the session state every migration starts from
     * @param retries lock-queue protection; when enabled the session's {@code lock_timeout} is set
     * @param watcher what a waiting statement waits for
     */
    MigrationApplier(Tracker tracker, String appliedBy, RunLock lock, SessionState runState, DdlLockRetries retries,
            LockWaitWatcher watcher, LockstepListener listener) {
        this.tracker = tracker;
        this.appliedBy = appliedBy;
        this.runState = runState;
        this.fenceSql = lock.fenceSql();
        this.retries = retries;
        this.watcher = watcher;
        this.listener = listener;
    }

    /**
     * How a migration went.
     *
     * @param took from its first statement to its last, pauses between lock retries included
     * @param lockRetries how often {@code lock_timeout} cancelled it (or, outside a transaction, one of its statements)
     */
    record Outcome(Duration took, int lockRetries) {
    }

    /** Applies the migration and records it. */
    Outcome apply(Connection connection, Migration migration) throws SQLException {
        if (watcher != null) {
            watcher.start(migration);
        }
        lockRetries = 0;
        long started = System.nanoTime();
        try {
            if (migration.transactional()) {
                applyInTransactionRetrying(connection, migration);
            } else {
                applyInAutocommit(connection, migration);
            }
            return new Outcome(Duration.ofNanos(System.nanoTime() - started), lockRetries);
        } finally {
            if (watcher != null) {
                watcher.stop();
            }
        }
    }

    /**
     * Whole attempts: a transaction that {@code lock_timeout} cancelled was rolled back with
     * everything in it, tracker row included, so running the migration again is safe.
     */
    private Duration applyInTransactionRetrying(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        for (int attempt = 1;; attempt++) {
            try {
                return applyInTransaction(connection, migration);
            } catch (MigrationFailedException e) {
                if (!retries.enabled() || !DdlLockRetries.isLockNotAvailable(e)) {
                    throw e;
                }
                pauseOrGiveUp(migration, null, attempt, started, e, "Its transaction was rolled back each time and "
                        + "nothing was recorded, so the schema is as it was before this migration.");
            }
        }
    }

    /**
     * After a cancelled attempt: tells the listeners and the log what it waited for, and sleeps
     * before the next; past {@code lockstep.ddl.max-wait}, throws the run's error instead.
     *
     * @param sql the statement retried on its own (outside a transaction), or {@code null} for the whole migration
     */
    private void pauseOrGiveUp(Migration migration, SqlStatement sql, int attempt, long startedNanos,
            Exception cancelled, String consequence) {
        BlockedOn blockedOn = watcher == null ? null : watcher.takeLastSeen();
        Duration waited = Duration.ofNanos(System.nanoTime() - startedNanos);
        String what = blockedOn == null ? "a lock (no other session could be seen holding it)"
                : blockedOn.describe();
        String where = sql == null ? "" : " at line " + sql.line();
        Optional<Duration> pause = retries.pauseAfter(attempt, waited);
        if (pause.isEmpty()) {
            String fix = blockedOn == null || blockedOn.blockers().isEmpty()
                    ? "Find what holds locks on the tables this migration changes (pg_locks) and end it"
                    : "End or wait out the blocking session (SELECT pg_terminate_backend("
                            + blockedOn.blockers().get(0).pid() + ") ends it)";
            throw new MigrationFailedException("Migration " + migration.file() + where + " could not get its lock "
                    + "within lockstep.ddl.max-wait (" + Durations.describe(retries.maxWait()) + ", " + attempt
                    + " attempts of lockstep.ddl.lock-timeout " + Durations.describe(retries.lockTimeout())
                    + "): it waited for " + what + ".\n  " + consequence + " " + fix
                    + ", or raise lockstep.ddl.max-wait, and start again.", migration.file(),
                    sql == null ? 0 : sql.line(), cancelled);
        }
        LOG.log(Level.WARNING, "Migration " + migration.file() + where + " waited longer than lockstep.ddl.lock-timeout ("
                + Durations.describe(retries.lockTimeout()) + ") for a lock, and PostgreSQL cancelled "
                + (sql == null ? "it; its transaction was rolled back" : "the statement, which took no effect")
                + ", so the table's queries do not queue behind it. Attempt " + (attempt + 1) + " in "
                + Durations.describe(pause.get()) + " (waited " + Durations.describe(waited) + " of lockstep.ddl.max-wait "
                + Durations.describe(retries.maxWait()) + "). It waited for " + what);
        lockRetries++;
        listener.migrationLockRetry(migration, attempt, waited, pause.get(), blockedOn);
        try {
            Thread.sleep(pause.get().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunStoppedException("Stopped while " + migration.file() + " waited to try for its lock again, "
                    + "because the run was interrupted. " + consequence);
        }
    }

    /**
     * The statements, the session put back, the fence (inside the transaction, so what commits
     * committed under the lock) and the tracker row, sent in JDBC batches of bounded size (a large
     * file is never one batch), then commit. {@code COPY ... FROM stdin} goes through the driver's
     * copy API between batches.
     */
    private Duration applyInTransaction(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        Iterator<SqlStatement> statements = migration.openStatements();
        connection.setAutoCommit(false);
        Batch batch = null;
        try {
            try (Statement statement = sqlStatement(connection)) {
                batch = new Batch(statement);
                while (statements.hasNext()) {
                    SqlStatement sql = statements.next();
                    if (sql.copyData() != null) {
                        batch.flush();
                        batch.copy(connection, sql);
                    } else {
                        batch.add(sql);
                    }
                }
                String restore = runState.restoreSql(migration.sessionChanges());
                if (restore != null) {
                    batch.addOwn(restore);
                }
                if (fenceSql != null) {
                    batch.addOwn(fenceSql);
                }
                batch.addOwn(tracker.insertAppliedSql(migration, appliedBy));
                batch.flush();
            }
            connection.commit();
            return Duration.ofNanos(System.nanoTime() - started);
        } catch (SQLException e) {
            MigrationFailedException failure = transactionFailure(connection, migration, e, batch);
            rollback(connection, failure);
            throw failure;
        } catch (RuntimeException e) {
            rollback(connection, e);
            throw e;
        } finally {
            ConnectionFailures.setAutoCommitQuietly(connection);
        }
    }

    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    private MigrationFailedException transactionFailure(Connection connection, Migration migration,
            SQLException batchFailure, Batch batch) {
        SQLException cause = batchFailure.getNextException() != null ? batchFailure.getNextException() : batchFailure;
        boolean lost = ConnectionFailures.isConnectionLost(cause, connection);
        String consequence = lost
                ? "The connection to PostgreSQL was lost during this migration, and with it the transaction: nothing "
                        + "was recorded and the schema is as it was before this migration. Start again once the "
                        + "database is reachable."
                : ROLLED_BACK;
        if (RunLock.isFenceFailure(cause)) {
            return lockLost(migration, null, cause,
                    "Its transaction was rolled back and nothing was recorded.");
        }
        SqlStatement failed = batch == null ? null : batch.failedStatement(batchFailure);
        if (failed != null) {
            return failure(migration, failed, cause, consequence);
        }
        String where = batch == null || !batch.failedInOwnStatements(batchFailure) ? ""
                : " after its last statement, while Lockstep put the session back and recorded it";
        return new MigrationFailedException("Migration " + migration.file() + " failed" + where + ": " + cause.getMessage()
                + " [SQLState " + cause.getSQLState() + "]\n  " + consequence, migration.file(), 0, batchFailure);
    }

    /**
     * Statements on their way to the server in one JDBC batch (one round trip), at most
     * {@value #BATCH_STATEMENTS} of them or about {@value #BATCH_CHARS} characters, so that the
     * driver never holds a whole large file. Knows which statement each batch entry was, so a
     * failure names its line without running anything again.
     */
    private static final class Batch {
        private final Statement statement;
        /** The migration's statements in the batch being filled or sent, by entry. */
        private final List<SqlStatement> entries = new ArrayList<>();
        private int ownEntries;
        private long chars;
        private SqlStatement copying;

        Batch(Statement statement) {
            this.statement = statement;
        }

        void add(SqlStatement sql) throws SQLException {
            statement.addBatch(sql.text());
            entries.add(sql);
            chars += sql.text().length();
            if (entries.size() >= BATCH_STATEMENTS || chars >= BATCH_CHARS) {
                flush();
            }
        }

        /** Lockstep's own statements, after the migration's. */
        void addOwn(String sql) throws SQLException {
            statement.addBatch(sql);
            ownEntries++;
        }

        void flush() throws SQLException {
            if (!entries.isEmpty() || ownEntries > 0) {
                statement.executeBatch();
            }
            entries.clear();
            ownEntries = 0;
            chars = 0;
        }

        void copy(Connection connection, SqlStatement sql) throws SQLException {
            copying = sql;
            copyIn(connection, sql);
            copying = null;
        }

        /** The migration statement that failed, or {@code null} when the failure does not say or was Lockstep's. */
        SqlStatement failedStatement(SQLException failure) {
            if (copying != null) {
                return copying;
            }
            int index = failedEntry(failure);
            return index >= 0 && index < entries.size() ? entries.get(index) : null;
        }

        boolean failedInOwnStatements(SQLException failure) {
            return copying == null && failedEntry(failure) >= entries.size();
        }
    }

    /** Sends the rows that followed {@code COPY ... FROM stdin} in the file through the driver's copy API. */
    private static void copyIn(Connection connection, SqlStatement sql) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql.text(), new StringReader(sql.copyData()));
        } catch (IOException e) {
            throw new SQLException("could not send the rows of COPY: " + e.getMessage(), "08006", e);
        }
    }

    /** The 0-based batch entry that failed, or -1 when the failure does not say. */
    private static int failedEntry(SQLException failure) {
        if (!(failure instanceof BatchUpdateException) || failure.getMessage() == null) {
            return -1;
        }
        Matcher number = FIRST_NUMBER.matcher(failure.getMessage());
        return number.find() ? Integer.parseInt(number.group()) : -1;
    }

    private Duration applyInAutocommit(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        Iterator<SqlStatement> statements = migration.openStatements();
        tracker.insertRunning(connection, migration, appliedBy);
        String consequence = "It runs outside a transaction, so the statements before this one took effect, "
                + "and its tracker row stays 'running' so that no replica re-runs it blindly. Check the schema, then "
                + "either complete the remaining statements by hand and run "
                + tracker.completeRowSql(migration.id())
                + " or undo what took effect (a failed CREATE INDEX CONCURRENTLY leaves an INVALID index to drop) and run "
                + tracker.deleteRowSql(migration.id());
        try (Statement statement = sqlStatement(connection)) {
            while (statements.hasNext()) {
                SqlStatement sql = statements.next();
                fence(statement, migration, sql, consequence);
                executeRetrying(connection, statement, migration, sql, consequence);
            }
            String restore = runState.restoreSql(migration.sessionChanges());
            if (restore != null) {
                statement.execute(restore);
            }
            fence(statement, migration, null, consequence);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        tracker.markApplied(connection, migration, took.toMillis());
        return took;
    }

    /**
     * One statement in autocommit. One that {@code lock_timeout} cancelled took no effect and is
     * run again; a statement whose waits hold up no query ({@code CONCURRENTLY}, {@code VACUUM})
     * runs without the timeout, as cancelling a {@code CREATE INDEX CONCURRENTLY} half-way would
     * leave an INVALID index behind.
     */
    private void executeRetrying(Connection connection, Statement statement, Migration migration, SqlStatement sql,
            String consequence) throws SQLException {
        // A migration that sets lock_timeout itself keeps its own value.
        boolean withoutTimeout = retries.enabled() && sql.copyData() == null
                && !migration.sessionChanges().names().contains("lock_timeout")
                && DdlLockRetries.isTrafficSafe(sql.text());
        if (withoutTimeout) {
            statement.execute("SET lock_timeout = 0");
        }
        long started = System.nanoTime();
        try {
            for (int attempt = 1;; attempt++) {
                try {
                    if (sql.copyData() != null) {
                        copyIn(connection, sql);
                    } else {
                        statement.execute(sql.text());
                    }
                    return;
                } catch (SQLException e) {
                    if (!retries.enabled() || withoutTimeout || !DdlLockRetries.isLockNotAvailable(e)) {
                        throw failure(migration, sql, e, consequence);
                    }
                    pauseOrGiveUp(migration, sql, attempt, started, e, consequence);
                }
            }
        } finally {
            if (withoutTimeout) {
                statement.execute("SET lock_timeout = '" + retries.lockTimeoutSetting() + "'");
            }
        }
    }

    /** Outside a transaction the fence runs before each statement; {@code next} null: after the last. */
    private void fence(Statement statement, Migration migration, SqlStatement next, String consequence)
            throws SQLException {
        if (fenceSql == null) {
            return;
        }
        try {
            statement.execute(fenceSql);
        } catch (SQLException e) {
            if (!RunLock.isFenceFailure(e)) {
                throw e;
            }
            throw lockLost(migration, next, e, consequence);
        }
    }

    private static MigrationFailedException lockLost(Migration migration, SqlStatement next, SQLException e,
            String consequence) {
        return new MigrationFailedException("Stopped migration " + migration.file()
                + (next == null ? " after its last statement" : " before line " + next.line())
                + ": this session no longer holds the migration lock, so another runner may be migrating at the same time. Either the migration released it (remove "
                + "pg_advisory_unlock_all() or pg_advisory_unlock() of Lockstep's key from the file) or the connection "
                + "goes through a pooler in transaction mode (point Lockstep straight at PostgreSQL).\n  " + consequence,
                migration.file(), next == null ? 0 : next.line(), e);
    }

    private static Statement sqlStatement(Connection connection) throws SQLException {
        Statement statement = connection.createStatement();
        // Migration text is SQL, not JDBC: no {fn ...} escapes may be rewritten in it.
        statement.setEscapeProcessing(false);
        return statement;
    }

    private static MigrationFailedException failure(Migration migration, SqlStatement sql, SQLException e,
            String consequence) {
        String hint = QUERY_CANCELED.equals(e.getSQLState())
                ? " If lockstep.statement-timeout cancelled it, raise that setting for this migration."
                : ACTIVE_SQL_TRANSACTION.equals(e.getSQLState()) && migration.transactional()
                ? " This statement cannot run inside a transaction: add '-- lockstep:transaction=false' as the first "
                        + "line of the file, so that Lockstep runs it outside one." : "";
        return new MigrationFailedException("Migration " + migration.file() + " failed at line " + sql.line() + ": "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  Statement: " + abbreviate(sql.text())
                + "\n  " + consequence + hint, migration.file(), sql.line(), e);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + " ...";
    }
}
