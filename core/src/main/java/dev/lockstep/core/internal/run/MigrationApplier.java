package dev.lockstep.core.internal.run;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.session.ConnectionFailures;
import dev.lockstep.core.internal.session.SessionState;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.tracker.Tracker;
import java.io.IOException;
import java.io.StringReader;
import java.sql.BatchUpdateException;
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
 *       changed it), the fence and the {@code INSERT} of the tracker row in one batch, {@code COMMIT}.
 *       The row commits with the schema change or not at all, and only while this session holds the
 *       lock.</li>
 *   <li>Not transactional: {@code INSERT} a {@code running} row, each statement in autocommit after
 *       the fence, the session put back, {@code UPDATE} the row to {@code applied}. If the process dies
 *       half-way the {@code running} row stays, and the next run stops and asks an operator, rather
 *       than re-running statements that may have taken effect.</li>
 * </ul>
 * Either way a failure names the file and the line of the failing statement, taken from the
 * failure itself: a failed migration is never run a second time to find it. Whether to try again
 * after {@code lock_timeout} is {@link LockTimeoutRetries}' to decide.
 */
final class MigrationApplier {

    private static final String QUERY_CANCELED = "57014";
    private static final String ACTIVE_SQL_TRANSACTION = "25001";
    private static final int BATCH_STATEMENTS = 1000;
    private static final int BATCH_CHARS = 1 << 20;
    /** pgjdbc names the failed batch entry first in its message (not SQL text), in every language it translates to. */
    private static final Pattern FIRST_NUMBER = Pattern.compile("\\d+");

    private static final String ROLLED_BACK = "Nothing was recorded and its transaction was rolled back, so the schema is "
            + "as it was before this migration. Fix the file and start again.";

    private final Tracker tracker;
    private final String appliedBy;
    private final SessionState runState;
    private final HeldLock lock;
    private final LockTimeoutRetries retries;

    /**
     * @param lock the run's lock, whose fence fails unless this session holds it
     * @param runState the session state every migration starts from
     * @param retries lock-queue protection; when enabled the session's {@code lock_timeout} is set
     */
    MigrationApplier(Tracker tracker, String appliedBy, HeldLock lock, SessionState runState, LockTimeoutRetries retries) {
        this.tracker = tracker;
        this.appliedBy = appliedBy;
        this.runState = runState;
        this.lock = lock;
        this.retries = retries;
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
    Outcome apply(Connection connection, LoadedMigration migration) throws SQLException {
        retries.startMigration();
        long started = System.nanoTime();
        if (migration.transactional()) {
            retries.inTransaction(migration, () -> applyInTransaction(connection, migration));
        } else {
            applyInAutocommit(connection, migration);
        }
        return new Outcome(Duration.ofNanos(System.nanoTime() - started), retries.retries());
    }

    /**
     * The statements, the session put back, the fence (inside the transaction, so what commits
     * committed under the lock) and the tracker row, sent in JDBC batches of bounded size (a large
     * file is never one batch), then commit. {@code COPY ... FROM stdin} goes through the driver's
     * copy API between batches.
     */
    private void applyInTransaction(Connection connection, LoadedMigration migration) throws SQLException {
        Iterator<SqlStatement> statements = migration.openStatements();
        connection.setAutoCommit(false);
        Batch batch = null;
        try {
            try (Statement statement = sqlStatement(connection)) {
                batch = new Batch(statement);
                while (statements.hasNext()) {
                    SqlStatement sql = statements.next();
                    if (sql.copyRows().isPresent()) {
                        batch.flush();
                        batch.copy(connection, sql);
                    } else {
                        batch.add(sql);
                    }
                }
                Optional<String> restore = runState.restoreSql(migration.sessionEffects());
                if (restore.isPresent()) {
                    batch.addOwn(restore.get());
                }
                batch.addOwn(lock.fenceSql());
                batch.addOwn(tracker.insertAppliedSql(migration, appliedBy));
                batch.flush();
            }
            connection.commit();
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

    private MigrationFailedException transactionFailure(Connection connection, LoadedMigration migration,
            SQLException batchFailure, Batch batch) {
        SQLException cause = batchFailure.getNextException() != null ? batchFailure.getNextException() : batchFailure;
        boolean lost = ConnectionFailures.isConnectionLost(cause, connection);
        String consequence = lost
                ? "The connection to PostgreSQL was lost during this migration, and with it the transaction: nothing "
                        + "was recorded and the schema is as it was before this migration. Start again once the "
                        + "database is reachable."
                : ROLLED_BACK;
        if (HeldLock.isFenceFailure(cause)) {
            return lockLost(migration, Optional.empty(), cause,
                    "Its transaction was rolled back and nothing was recorded.");
        }
        Optional<SqlStatement> failed = batch == null ? Optional.empty() : batch.failedStatement(batchFailure);
        if (failed.isPresent()) {
            return failure(migration, failed.get(), cause, consequence);
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
        /** The COPY whose rows are being sent, if one is. */
        private Optional<SqlStatement> copying = Optional.empty();

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
            copying = Optional.of(sql);
            copyIn(connection, sql);
            copying = Optional.empty();
        }

        /** The migration statement that failed; empty when the failure does not say, or was Lockstep's. */
        Optional<SqlStatement> failedStatement(SQLException failure) {
            if (copying.isPresent()) {
                return copying;
            }
            int index = failedEntry(failure);
            return index >= 0 && index < entries.size() ? Optional.of(entries.get(index)) : Optional.empty();
        }

        boolean failedInOwnStatements(SQLException failure) {
            return copying.isEmpty() && failedEntry(failure) >= entries.size();
        }
    }

    /** Sends the rows that followed {@code COPY ... FROM stdin} in the file through the driver's copy API. */
    private static void copyIn(Connection connection, SqlStatement sql) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql.text(), new StringReader(sql.copyRows().orElseThrow()));
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

    private void applyInAutocommit(Connection connection, LoadedMigration migration) throws SQLException {
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
                fence(statement, migration, Optional.of(sql), consequence);
                retries.outsideTransaction(migration, sql, statement, () -> execute(connection, statement, sql),
                        e -> failure(migration, sql, e, consequence), consequence);
            }
            Optional<String> restore = runState.restoreSql(migration.sessionEffects());
            if (restore.isPresent()) {
                statement.execute(restore.get());
            }
            fence(statement, migration, Optional.empty(), consequence);
        }
        tracker.markApplied(connection, migration, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static void execute(Connection connection, Statement statement, SqlStatement sql) throws SQLException {
        if (sql.copyRows().isPresent()) {
            copyIn(connection, sql);
        } else {
            statement.execute(sql.text());
        }
    }

    /** Outside a transaction the fence runs before each statement; {@code next} empty: after the last. */
    private void fence(Statement statement, LoadedMigration migration, Optional<SqlStatement> next, String consequence)
            throws SQLException {
        try {
            statement.execute(lock.fenceSql());
        } catch (SQLException e) {
            if (!HeldLock.isFenceFailure(e)) {
                throw e;
            }
            throw lockLost(migration, next, e, consequence);
        }
    }

    private static MigrationFailedException lockLost(LoadedMigration migration, Optional<SqlStatement> next,
            SQLException e, String consequence) {
        return new MigrationFailedException("Stopped migration " + migration.file()
                + next.map(s -> " before line " + s.line()).orElse(" after its last statement")
                + ": this session no longer holds the migration lock, so another runner may be migrating at the same time. Either the migration released it (remove "
                + "pg_advisory_unlock_all() or pg_advisory_unlock() of Lockstep's key from the file) or the connection "
                + "goes through a pooler in transaction mode (point Lockstep straight at PostgreSQL).\n  " + consequence,
                migration.file(), next.map(SqlStatement::line).orElse(0), e);
    }

    private static Statement sqlStatement(Connection connection) throws SQLException {
        Statement statement = connection.createStatement();
        // Migration text is SQL, not JDBC: no {fn ...} escapes may be rewritten in it.
        statement.setEscapeProcessing(false);
        return statement;
    }

    private static MigrationFailedException failure(LoadedMigration migration, SqlStatement sql, SQLException e,
            String consequence) {
        String hint = QUERY_CANCELED.equals(e.getSQLState())
                ? " If lockstep.statement-timeout cancelled it, raise that setting for this migration."
                : ACTIVE_SQL_TRANSACTION.equals(e.getSQLState()) && migration.transactional()
                ? " This statement cannot run inside a transaction: add '-- lockstep:transaction=false' as the first "
                        + "line of the file, so that Lockstep runs it outside one." : "";
        return new MigrationFailedException("Migration " + migration.file() + " failed at line " + sql.line() + ": "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  Statement: " + sql.oneLine(200)
                + "\n  " + consequence + hint, migration.file(), sql.line(), e);
    }
}
