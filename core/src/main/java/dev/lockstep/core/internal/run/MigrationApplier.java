package dev.lockstep.core.internal.run;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.Batched;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.expand.ExpansionTable;
import dev.lockstep.core.internal.expand.Expansion;
import dev.lockstep.core.internal.expand.ShapeViews;
import dev.lockstep.core.internal.files.ExpandContract;
import dev.lockstep.core.internal.jobs.JobCreation;
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
import java.util.List;
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
 * A batched migration ({@code -- lockstep:batched}) runs in a transaction with its tracker row too,
 * but its statement is not run: its job's row is written in its place ({@link JobCreation}), and
 * the batches run after the start.
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
    private final JobCreation jobs;
    private final ExpansionTable expansions;
    /** Why this target cannot expand, when it cannot: a schema tenant shares its database's version schemas. */
    private final Optional<String> cannotExpand;
    /** Whether an expansion is not yet contracted, so each migration brings the version schemas in line. */
    private boolean expansionsPending;

    /**
     * @param lock the run's lock, whose fence fails unless this session holds it
     * @param runState the session state every migration starts from
     * @param retries lock-queue protection; when enabled the session's {@code lock_timeout} is set
     * @param connector for a new connection when the run's died with a commit's outcome unknown
     * @param jobs records a batched migration's job in place of running its statement
     * @param expansions where an expand/contract migration's expansion is recorded
     * @param cannotExpand why this target refuses expand/contract migrations, when it does
     * @param expansionsPending whether an expansion is not yet contracted when the run starts applying
     */
    MigrationApplier(Tracker tracker, String appliedBy, HeldLock lock, SessionState runState, LockTimeoutRetries retries,
            Connector connector, JobCreation jobs, ExpansionTable expansions, Optional<String> cannotExpand,
            boolean expansionsPending) {
        this.expansions = expansions;
        this.expansionsPending = expansionsPending;
        this.cannotExpand = cannotExpand;
        this.tracker = tracker;
        this.appliedBy = appliedBy;
        this.runState = runState;
        this.lock = lock;
        this.retries = retries;
        this.connector = connector;
        this.failures = new AutocommitFailures(tracker);
        this.jobs = jobs;
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
     * committed under the lock), the tracker row and the {@code COMMIT}, sent in JDBC batches of
     * bounded size (a large file is never one batch; a small one is one round trip). {@code COPY
     * ... FROM stdin} goes through the driver's copy API between batches. When the connection dies
     * during the batch that carries the {@code COMMIT}, past the migration's statements, whether it
     * committed is read, not guessed.
     */
    private void applyInTransaction(Connection connection, LoadedMigration migration) throws SQLException {
        Iterator<SqlStatement> statements = migration.openStatements();
        Optional<Batched> batched = migration.facts().batched();
        Optional<ExpandContract> expand = migration.facts().expandContract();
        Optional<SqlStatement> perBatch = Optional.empty();
        if (expand.isPresent() && cannotExpand.isPresent()) {
            throw new MigrationFailedException("Migration " + migration.file() + " was not applied: "
                    + cannotExpand.get() + ".\n  Nothing was recorded.", migration.file(), 0, null);
        }
        connection.setAutoCommit(false);
        StatementBatch batch = null;
        boolean committing = false;
        try {
            try (Statement statement = sqlStatement(connection)) {
                batch = new StatementBatch(statement);
                if (expansionsPending) {
                    ShapeViews.dropViews(connection); // before the tables; brought back after the statements
                }
                while (statements.hasNext()) {
                    SqlStatement sql = statements.next();
                    if (batched.isPresent()) {
                        perBatch = Optional.of(sql); // runs per batch, after the start: its job is recorded instead
                    } else if (expand.isPresent()) {
                        continue; // expanded now, contracted later: never run as written
                    } else if (sql.copyRows().isPresent()) {
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
                if (batched.isPresent()) {
                    for (String job : jobs.sql(connection, migration, batched.get(), perBatch)) {
                        batch.addOwn(job);
                    }
                }
                if (expand.isPresent()) {
                    batch.flush();
                    new Expansion(expansions, jobs).expand(connection, migration, expand.get());
                    expansionsPending = true;
                } else if (expansionsPending) {
                    // Each release's shape follows what this migration changed (a column it adds shows in the views).
                    batch.flush();
                    ShapeViews.refresh(connection, expansions.expanded(connection), Optional.of(migration.version()));
                }
                batch.addOwn(lock.fenceSql());
                // A changed type's backfill runs next: until its shape is published, the row says running.
                batch.addOwn(expand.isPresent() && expand.get().finishesAfterCommit()
                        ? tracker.insertRunningSql(migration, appliedBy) : tracker.insertAppliedSql(migration, appliedBy));
                batch.addOwn("COMMIT");
                committing = true;
                batch.flush();
            }
        } catch (SQLException e) {
            // Lost while the server ran one of the migration's statements: the COMMIT after it never ran.
            if (committing && batch.failedStatement(e).isEmpty() && ConnectionFailures.isConnectionLost(e, connection)) {
                throw CommitOutcome.report(connector, tracker, migration, e, "its COMMIT");
            }
            MigrationFailedException failure = transactionFailure(connection, migration, e, batch);
            rollback(connection, failure);
            throw failure;
        } catch (RuntimeException e) {
            rollback(connection, e);
            throw e;
        } finally {
            // The batch ended the transaction (or the rollback did): the driver sends no COMMIT of its own.
            ConnectionFailures.setAutoCommitQuietly(connection);
        }
    }

    /**
     * Builds an expand/contract migration's unique indexes, then shows its new shape in its version
     * schema (its backfill done) and records it applied, in one transaction under the lock.
     */
    void publishExpansion(Connection connection, LoadedMigration migration, Duration took) throws SQLException {
        new Expansion(expansions, jobs).buildUniqueIndexes(connection, migration);
        connection.setAutoCommit(false);
        try {
            new Expansion(expansions, jobs).publish(connection, migration);
            try (Statement s = connection.createStatement()) {
                s.execute(lock.fenceSql());
                s.execute(tracker.markAppliedSql(migration, took.toMillis()));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
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
     * {@code applied} after the last. Lockstep's own statements travel together
     * ({@link OwnStatements}): before a statement, the {@code running} row (before the first), the
     * fence, the timeout switched off or on, the state of the index a concurrent build names;
     * after the last, the timeout and the session put back, the fence and the {@code applied} row,
     * committed together, so the row says {@code applied} only while this session holds the lock.
     * A transaction the file opens ({@code BEGIN ... COMMIT}) is followed, so that a failure inside
     * it is reported as the rollback it is.
     */
    private void applyInAutocommit(Connection connection, LoadedMigration migration, Start start) throws SQLException {
        long started = System.nanoTime();
        Iterator<SqlStatement> statements = migration.openStatements();
        if (start == Start.RESUMED) {
            tracker.takeOverRunning(connection, migration, appliedBy);
        }
        boolean rowWritten = start == Start.RESUMED;
        boolean timeoutOff = false;
        Optional<SqlStatement> openedBy = Optional.empty();
        // Whether a statement before this one may have changed the database (a resumed run's earlier ones may have).
        boolean earlierTookEffect = start == Start.RESUMED;
        try (Statement statement = sqlStatement(connection)) {
            try {
                while (statements.hasNext()) {
                    SqlStatement sql = statements.next();
                    Optional<SqlStatement> inTransaction = openedBy;
                    boolean tookEffect = earlierTookEffect;
                    String consequence = autocommitConsequence(migration, inTransaction);
                    OwnStatements before = new OwnStatements();
                    int running = -1;
                    if (!rowWritten) {
                        before.add(RUNNING_ROW_WITHOUT_FLUSH);
                        running = before.add(tracker.insertRunningSql(migration, appliedBy));
                    }
                    before.add(lock.fenceSql());
                    boolean withoutTimeout = retries.runsWithoutTimeout(migration, sql);
                    if (withoutTimeout != timeoutOff) {
                        before.add(withoutTimeout ? LockTimeoutRetries.timeoutOffSql() : retries.timeoutSql());
                    }
                    Optional<InvalidIndexes.IndexOf> index = ConcurrentBuild.indexBuiltBy(sql);
                    // A resumed run reads the state after Resumption, which may drop what the interrupted build left.
                    int state = index.isPresent() && start == Start.FRESH
                            ? before.add(InvalidIndexes.stateSql(index.get())) : -1;
                    List<Object> results = sendBefore(connection, statement, before, migration, sql,
                            rowWritten ? Optional.of(consequence) : Optional.empty());
                    timeoutOff = withoutTimeout;
                    if (running >= 0 && !Integer.valueOf(1).equals(results.get(running))) {
                        throw tracker.alreadyStarted(migration);
                    }
                    rowWritten = true;
                    if (start == Start.RESUMED && Resumption.alreadyDone(connection, migration, sql)) {
                        continue;
                    }
                    Optional<ConcurrentBuild> build = index.isEmpty() ? Optional.empty()
                            : Optional.of(new ConcurrentBuild(index.get(), state >= 0
                                    ? InvalidIndexes.State.valueOf((String) results.get(state))
                                    : InvalidIndexes.state(connection, index.get())));
                    retries.outsideTransaction(migration, sql, inTransaction, build, connection,
                            () -> execute(connection, statement, sql),
                            e -> failures.of(connection, migration, sql, e, new AutocommitFailures.Context(inTransaction,
                                    build, tookEffect, consequence)), consequence);
                    if (build.isPresent() && build.get().foundInvalid()) {
                        throw keptInvalidIndex(migration, sql, build.get().dropName(connection), consequence);
                    }
                    earlierTookEffect |= !sql.facts().changesOnlyTheSession();
                    openedBy = switch (sql.facts().transactionControl()) {
                        case OPENS, ENDS_AND_OPENS -> Optional.of(sql);
                        case ENDS -> Optional.empty();
                        case NONE -> openedBy;
                    };
                }
            } catch (RuntimeException | SQLException e) {
                if (timeoutOff) {
                    restoreTimeoutQuietly(statement, e);
                }
                throw e;
            }
            OwnStatements after = new OwnStatements();
            if (timeoutOff) {
                after.add(retries.timeoutSql());
            }
            runState.restoreSql(migration.sessionEffects()).ifPresent(after::add);
            after.add(lock.fenceSql());
            after.add(tracker.markAppliedSql(migration, Duration.ofNanos(System.nanoTime() - started).toMillis()));
            sendAfter(connection, statement, after, migration);
        }
    }

    /**
     * The {@code running} row's commit does not wait for its WAL to reach disk (or a standby): it
     * matters only once something of the migration has taken effect, and anything the migration
     * commits comes later in the WAL, which PostgreSQL flushes and replays in order. So whenever
     * an effect survives a crash, the row does too. {@code set_config(..., true)} rather than
     * {@code SET LOCAL}: the statements travel in one implicit transaction, which {@code SET LOCAL}
     * does not count as a transaction block. The {@code applied} row and every transactional
     * migration commit as the session says.
     */
    private static final String RUNNING_ROW_WITHOUT_FLUSH = "SELECT set_config('synchronous_commit', 'off', true)";

    /**
     * Lockstep's statements before one of the migration's.
     *
     * @param consequence what a failure leaves; empty before the {@code running} row is written,
     *     which a failure here leaves unwritten with the rest (one implicit transaction)
     */
    private List<Object> sendBefore(Connection connection, Statement statement, OwnStatements before,
            LoadedMigration migration, SqlStatement next, Optional<String> consequence) throws SQLException {
        try {
            return before.send(statement);
        } catch (SQLException e) {
            String leaves = consequence.orElse("None of its statements ran and nothing was recorded.");
            if (HeldLock.isFenceFailure(e)) {
                throw lockLost(migration, Optional.of(next), e, leaves);
            }
            boolean lost = ConnectionFailures.isConnectionLost(e, connection);
            String outcome = !lost ? leaves : consequence.isEmpty()
                    ? "The connection to PostgreSQL was lost before any of its statements ran, while Lockstep "
                            + "recorded it as started: if the tracker says 'running' for it, none of its statements "
                            + "ran; remove the row with " + tracker.deleteRowSql(migration.id()) + " and start again."
                    : "The connection to PostgreSQL was lost. " + leaves;
            throw new MigrationFailedException("Migration " + migration.file() + " stopped before line " + next.line()
                    + ": " + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  " + outcome, migration.file(),
                    next.line(), e);
        }
    }

    /**
     * Lockstep's statements after the migration's last: the timeout and session put back, the
     * fence and the {@code applied} row, committed together. When the connection dies, whether
     * they committed is read, not guessed ({@link CommitOutcome}).
     */
    private void sendAfter(Connection connection, Statement statement, OwnStatements after, LoadedMigration migration)
            throws SQLException {
        String consequence = autocommitConsequence(migration, Optional.empty());
        try {
            after.send(statement);
        } catch (SQLException e) {
            if (HeldLock.isFenceFailure(e)) {
                throw lockLost(migration, Optional.empty(), e, consequence);
            }
            if (ConnectionFailures.isConnectionLost(e, connection)) {
                throw CommitOutcome.report(connector, tracker, migration, e, "the UPDATE of its tracker row to 'applied'");
            }
            throw new MigrationFailedException("Migration " + migration.file() + " stopped after its last statement, "
                    + "while Lockstep put the session back and recorded it: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]\n  Every statement had run. " + consequence, migration.file(), 0, e);
        }
    }

    /** Lockstep's {@code lock_timeout} again after a failure; an error here never hides the failure. */
    private void restoreTimeoutQuietly(Statement statement, Exception failure) {
        try {
            statement.execute(retries.timeoutSql());
        } catch (SQLException e) {
            failure.addSuppressed(e);
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
            String index, String consequence) {
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
