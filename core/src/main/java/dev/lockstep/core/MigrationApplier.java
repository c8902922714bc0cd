package dev.lockstep.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Applies one migration on the pinned connection and records it.
 * <ul>
 *   <li>Transactional: {@code BEGIN}, the statements and the {@code INSERT} of the tracker row
 *       in one batch, {@code COMMIT}. The row commits with the schema change or not at all.</li>
 *   <li>Not transactional: {@code INSERT} a {@code running} row, each statement in autocommit,
 *       {@code UPDATE} the row to {@code applied}. If the process dies half-way the {@code running}
 *       row stays, and the next run stops and asks an operator, rather than re-running statements
 *       that may have taken effect.</li>
 * </ul>
 * Either way a failure names the file and the line of the failing statement.
 */
final class MigrationApplier {

    private static final String QUERY_CANCELED = "57014";

    private final Tracker tracker;
    private final String appliedBy;

    MigrationApplier(Tracker tracker, String appliedBy) {
        this.tracker = tracker;
        this.appliedBy = appliedBy;
    }

    /** Applies the migration and returns how long its statements took. */
    Duration apply(Connection connection, Migration migration) throws SQLException {
        return migration.transactional() ? applyInTransaction(connection, migration) : applyInAutocommit(connection, migration);
    }

    /**
     * Sends the statements and the tracker row as one JDBC batch (one round trip), then commits.
     * A batch does not say reliably which statement failed, so on failure the rolled-back migration
     * is replayed statement by statement in a transaction that is rolled back too, to name the line.
     */
    private Duration applyInTransaction(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        connection.setAutoCommit(false);
        try {
            try (Statement batch = sqlStatement(connection)) {
                for (SqlStatement sql : migration.statements()) {
                    batch.addBatch(sql.text());
                }
                batch.addBatch(tracker.insertAppliedSql(migration, appliedBy));
                batch.executeBatch();
            }
            connection.commit();
            return Duration.ofNanos(System.nanoTime() - started);
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw locateFailure(connection, migration, e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static final String ROLLED_BACK = "Nothing was recorded and its transaction was rolled back, so the schema is "
            + "as it was before this migration. Fix the file and start again.";

    private MigrationFailedException locateFailure(Connection connection, Migration migration, SQLException batchFailure)
            throws SQLException {
        try {
            execute(connection, migration, ROLLED_BACK);
        } catch (MigrationFailedException located) {
            return located;
        } finally {
            connection.rollback();
        }
        SQLException cause = batchFailure.getNextException() != null ? batchFailure.getNextException() : batchFailure;
        return new MigrationFailedException("Migration " + migration.file() + " failed: " + cause.getMessage()
                + " [SQLState " + cause.getSQLState() + "] (it did not fail again when replayed to find the line)\n  "
                + ROLLED_BACK, migration.file(), 0, cause);
    }

    private Duration applyInAutocommit(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        tracker.insertRunning(connection, migration, appliedBy);
        execute(connection, migration, "It runs outside a transaction, so the statements before this one took effect, "
                + "and its tracker row stays 'running' so that no replica re-runs it blindly. Check the schema, then "
                + "either complete the remaining statements by hand and run "
                + tracker.completeRowSql(migration.version(), migration.name())
                + " or undo what took effect (a failed CREATE INDEX CONCURRENTLY leaves an INVALID index to drop) and run "
                + tracker.deleteRowSql(migration.version(), migration.name()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        tracker.markApplied(connection, migration, took.toMillis());
        return took;
    }

    private static void execute(Connection connection, Migration migration, String consequence) throws SQLException {
        try (Statement statement = sqlStatement(connection)) {
            for (SqlStatement sql : migration.statements()) {
                try {
                    statement.execute(sql.text());
                } catch (SQLException e) {
                    throw failure(migration, sql, e, consequence);
                }
            }
        }
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
                ? " If lockstep.statement-timeout cancelled it, raise that setting for this migration." : "";
        return new MigrationFailedException("Migration " + migration.file() + " failed at line " + sql.line() + ": "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  Statement: " + abbreviate(sql.text())
                + "\n  " + consequence + hint, migration.file(), sql.line(), e);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + " ...";
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
