package dev.lockstep.core.internal.run;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.session.ConnectionFailures;
import dev.lockstep.core.internal.session.Connector;
import dev.lockstep.core.internal.session.SessionState;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;

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
 *       than re-running statements that may have taken effect; unless every statement is concurrent
 *       index work, which the next run finishes ({@link Resumption}). What a failed statement left is
 *       {@link AutocommitFailures}' to put right and say.</li>
 * </ul>
 * Either way a failure names the file and the line of the failing statement, taken from the
 * failure itself: a failed migration is never run a second time to find it. Whether to try again
 * after {@code lock_timeout} is {@link LockTimeoutRetries}' to decide. When the connection dies
 * after the write that records a migration was sent, {@link CommitOutcome} reads what became of it.
 */
final class MigrationApplier {

    private static final String ROLLED_BACK = "Nothing was recorded and its transaction was rolled back, so the schema is "
            + "as it was before this migration. Fix the file and start again.";

    private final Tracker tracker;
    private final String appliedBy;
    private final SessionState runState;
    private final HeldLock lock;
    private final LockTimeoutRetries retries;
    private final Connector connector;
    private final AutocommitFailures failures;

    /**
     * @param lock the run's lock, whose fence fails unless this session holds it
     * @param runState the session state every migration starts from
     * @param retries lock-queue protection; when enabled the session's {@code lock_timeout} is set
     * @param connector for a new connection when the run's died with a commit's outcome unknown
     */
    MigrationApplier(Tracker tracker, String appliedBy, HeldLock lock, SessionState runState, LockTimeoutRetries retries,
            Connector connector) {
        this.tracker = tracker;
        this.appliedBy = appliedBy;
        this.runState = runState;
        this.lock = lock;
        this.retries = retries;
        this.connector = connector;
        this.failures = new AutocommitFailures(tracker);
    }

    /**
     * How a migration went.
     *
     * @param took from its first statement to its last, pauses between lock retries included
     * @param lockRetries how often {@code lock_timeout} cancelled it (or, outside a transaction, one of its statements)
     */
    record Outcome(Duration took, int lockRetries) {
    }

    /** Whether a migration runs from its first statement, or finishes what an interrupted run left. */
    enum Start {
        FRESH,
        /**
         * Its row is {@code running} from an interrupted run and every statement is a concurrent
         * index build that names its index or a concurrent drop ({@link LoadedMigration#facts()}
         * {@code resumable}): a build whose index is valid is done, an INVALID one is dropped and
         * built again, a drop whose index is gone is done. What an operator would do, by hand.
         */
        RESUMED
    }

    /** Applies the migration and records it. */
    Outcome apply(Connection connection, LoadedMigration migration, Start start) throws SQLException {
        retries.startMigration();
        long started = System.nanoTime();
        if (migration.transactional()) {
            retries.inTransaction(migration, () -> applyInTransaction(connection, migration));
        } else {
            applyInAutocommit(connection, migration, start);
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
        StatementBatch batch = null;
        try {
            try (Statement statement = sqlStatement(connection)) {
                batch = new StatementBatch(statement);
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
        } catch (SQLException e) {
            MigrationFailedException failure = transactionFailure(connection, migration, e, batch);
            rollback(connection, failure);
            ConnectionFailures.setAutoCommitQuietly(connection);
            throw failure;
        } catch (RuntimeException e) {
            rollback(connection, e);
            ConnectionFailures.setAutoCommitQuietly(connection);
            throw e;
        }
        try {
            connection.commit();
        } catch (SQLException e) {
            if (!ConnectionFailures.isConnectionLost(e, connection)) {
                MigrationFailedException failure = transactionFailure(connection, migration, e, null);
                rollback(connection, failure);
                throw failure;
            }
            throw CommitOutcome.report(connector, tracker, migration, e, "its COMMIT");
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
            SQLException batchFailure, StatementBatch batch) {
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
            return StatementErrors.failed(migration, failed.get(), cause, consequence);
        }
        String where = batch == null || !batch.failedInOwnStatements(batchFailure) ? ""
                : " after its last statement, while Lockstep put the session back and recorded it";
        return new MigrationFailedException("Migration " + migration.file() + " failed" + where + ": " + cause.getMessage()
                + " [SQLState " + cause.getSQLState() + "]\n  " + consequence, migration.file(), 0, batchFailure);
    }

    /**
     * Each statement in autocommit, the fence before it; a {@code running} row first and
     * {@code applied} after the last. A transaction the file opens ({@code BEGIN ... COMMIT}) is
     * followed, so that a failure inside it is reported as the rollback it is.
     */
    private void applyInAutocommit(Connection connection, LoadedMigration migration, Start start) throws SQLException {
        long started = System.nanoTime();
        Iterator<SqlStatement> statements = migration.openStatements();
        if (start == Start.RESUMED) {
            tracker.takeOverRunning(connection, migration, appliedBy);
        } else {
            tracker.insertRunning(connection, migration, appliedBy);
        }
        Optional<SqlStatement> openedBy = Optional.empty();
        // Whether a statement before this one may have changed the database (a resumed run's earlier ones may have).
        boolean earlierTookEffect = start == Start.RESUMED;
        try (Statement statement = sqlStatement(connection)) {
            while (statements.hasNext()) {
                SqlStatement sql = statements.next();
                Optional<SqlStatement> inTransaction = openedBy;
                boolean tookEffect = earlierTookEffect;
                String consequence = autocommitConsequence(migration, inTransaction);
                fence(connection, statement, migration, Optional.of(sql), consequence);
                if (start == Start.RESUMED && Resumption.alreadyDone(connection, migration, sql)) {
                    continue;
                }
                Optional<ConcurrentBuild> build = ConcurrentBuild.before(connection, sql);
                retries.outsideTransaction(migration, sql, inTransaction, build, connection, statement,
                        () -> execute(connection, statement, sql),
                        e -> failures.of(connection, migration, sql, e, new AutocommitFailures.Context(inTransaction,
                                build, tookEffect, consequence)), consequence);
                if (build.isPresent() && build.get().foundInvalid()) {
                    throw keptInvalidIndex(migration, sql, build.get(), consequence);
                }
                earlierTookEffect |= !sql.facts().changesOnlyTheSession();
                openedBy = switch (sql.facts().transactionControl()) {
                    case OPENS, ENDS_AND_OPENS -> Optional.of(sql);
                    case ENDS -> Optional.empty();
                    case NONE -> openedBy;
                };
            }
            String consequence = autocommitConsequence(migration, Optional.empty());
            Optional<String> restore = runState.restoreSql(migration.sessionEffects());
            if (restore.isPresent()) {
                try {
                    statement.execute(restore.get());
                } catch (SQLException e) {
                    throw new MigrationFailedException("Migration " + migration.file() + " stopped after its last "
                            + "statement, while Lockstep put the session back: " + e.getMessage() + " [SQLState "
                            + e.getSQLState() + "]\n  " + (ConnectionFailures.isConnectionLost(e, connection)
                                    ? "The connection to PostgreSQL was lost. " : "") + "Every statement had run. "
                            + consequence, migration.file(), 0, e);
                }
            }
            fence(connection, statement, migration, Optional.empty(), consequence);
        }
        try {
            tracker.markApplied(connection, migration, Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (SQLException e) {
            if (!ConnectionFailures.isConnectionLost(e, connection)) {
                throw e;
            }
            throw CommitOutcome.report(connector, tracker, migration, e, "the UPDATE of its tracker row to 'applied'");
        }
    }

    /** What a failure leaves, for a migration outside a transaction, and the SQL that recovers. */
    private String autocommitConsequence(LoadedMigration migration, Optional<SqlStatement> openedBy) {
        String tookEffect = openedBy.map(begin -> "the statements before line " + begin.line() + " took effect, and "
                + "the transaction the file opened at line " + begin.line() + " was rolled back with everything in it")
                .orElse("the statements before the failure took effect");
        return "It runs outside a transaction, so " + tookEffect + "; its tracker row stays 'running' so that no replica "
                + "re-runs it blindly. " + (migration.facts().resumable() ? "Every statement in it is a concurrent "
                        + "index build or drop, so the next start finishes it by itself: it drops an INVALID index a "
                        + "build left and runs what is not done. To finish it by hand instead, " : "Check the schema, "
                        + "then either ")
                + "complete the remaining statements and run " + tracker.completeRowSql(migration.id())
                + " or undo what took effect and run " + tracker.deleteRowSql(migration.id());
    }

    /**
     * A concurrent build that found its index there, INVALID, and succeeded: {@code IF NOT EXISTS}
     * kept the index an earlier, interrupted build left, which is never a success.
     */
    private static MigrationFailedException keptInvalidIndex(LoadedMigration migration, SqlStatement sql,
            ConcurrentBuild build, String consequence) {
        String index = build.index().text();
        return new MigrationFailedException("Migration " + migration.file() + " failed at line " + sql.line()
                + ": the index " + index + " exists but is INVALID (an interrupted concurrent build left it), and "
                + "the statement kept it instead of building it.\n  Statement: " + sql.oneLine(200) + "\n  Drop it: "
                + "DROP INDEX CONCURRENTLY IF EXISTS " + index + "; then start again, and the build runs. "
                + consequence, migration.file(), sql.line(), null);
    }

    private static void execute(Connection connection, Statement statement, SqlStatement sql) throws SQLException {
        if (sql.copyRows().isPresent()) {
            StatementBatch.copyIn(connection, sql);
        } else {
            statement.execute(sql.text());
        }
    }

    /**
     * Outside a transaction the fence runs before each statement; {@code next} empty: after the
     * last. The first statement after a connection died is often this one: its error names the
     * file and the statement it came before.
     */
    private void fence(Connection connection, Statement statement, LoadedMigration migration,
            Optional<SqlStatement> next, String consequence) throws SQLException {
        try {
            statement.execute(lock.fenceSql());
        } catch (SQLException e) {
            if (HeldLock.isFenceFailure(e)) {
                throw lockLost(migration, next, e, consequence);
            }
            throw new MigrationFailedException("Migration " + migration.file() + " stopped "
                    + next.map(s -> "before line " + s.line()).orElse("after its last statement") + ": "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  "
                    + (ConnectionFailures.isConnectionLost(e, connection) ? "The connection to PostgreSQL was lost. "
                            : "") + consequence, migration.file(), next.map(SqlStatement::line).orElse(0), e);
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
}
