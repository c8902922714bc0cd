package dev.lockstep.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Applies one migration on the pinned connection and records it.
 * <ul>
 *   <li>Transactional: {@code BEGIN}, each statement, {@code INSERT} the tracker row,
 *       {@code COMMIT}. The row commits with the schema change or not at all.</li>
 *   <li>Not transactional: {@code INSERT} a {@code running} row, each statement in autocommit,
 *       {@code UPDATE} the row to {@code applied}. If the process dies half-way the {@code running}
 *       row stays, and the next run stops and asks an operator, rather than re-running statements
 *       that may have taken effect.</li>
 * </ul>
 * Statements run one by one so that a failure names the file and the line of the failing statement.
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

    private Duration applyInTransaction(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        connection.setAutoCommit(false);
        try {
            execute(connection, migration, "Nothing was recorded and its transaction was rolled back, so the schema is "
                    + "as it was before this migration. Fix the file and start again.");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            tracker.insert(connection, migration, AppliedRow.APPLIED, took.toMillis(), appliedBy);
            connection.commit();
            return took;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private Duration applyInAutocommit(Connection connection, Migration migration) throws SQLException {
        long started = System.nanoTime();
        tracker.insert(connection, migration, AppliedRow.RUNNING, null, appliedBy);
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
        try (Statement statement = connection.createStatement()) {
            // Migration text is SQL, not JDBC: no {fn ...} escapes may be rewritten in it.
            statement.setEscapeProcessing(false);
            for (SqlStatement sql : migration.statements()) {
                try {
                    statement.execute(sql.text());
                } catch (SQLException e) {
                    throw failure(migration, sql, e, consequence);
                }
            }
        }
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
