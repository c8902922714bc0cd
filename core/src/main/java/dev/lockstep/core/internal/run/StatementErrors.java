package dev.lockstep.core.internal.run;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.sql.SQLException;
import java.util.Set;

/** The error for a migration statement PostgreSQL refused: file, line, message, SQLState, statement, and advice that works. */
final class StatementErrors {

    private static final String QUERY_CANCELED = "57014";
    private static final String ACTIVE_SQL_TRANSACTION = "25001";
    private static final String IN_FAILED_TRANSACTION = "25P02";
    /** Statements that run code, from which PostgreSQL refuses what it refuses in a transaction block. */
    private static final Set<String> RUNS_CODE = Set.of("DO", "CALL", "SELECT");

    private StatementErrors() {
    }

    /** @param consequence what the failure left and how to recover */
    static MigrationFailedException failed(LoadedMigration migration, SqlStatement sql, SQLException e,
            String consequence) {
        return new MigrationFailedException("Migration " + migration.file() + " failed at line " + sql.line() + ": "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]\n  Statement: " + sql.oneLine(200)
                + "\n  " + consequence + hint(migration, sql, e), migration.file(), sql.line(), e);
    }

    /** Advice for what the SQLState says, where it cannot lead to a second error. */
    private static String hint(LoadedMigration migration, SqlStatement sql, SQLException e) {
        String first = sql.facts().keywords().isEmpty() ? "" : sql.facts().keywords().get(0);
        if (QUERY_CANCELED.equals(e.getSQLState())) {
            return " If lockstep.statement-timeout cancelled it, raise that setting for this migration.";
        }
        if (ACTIVE_SQL_TRANSACTION.equals(e.getSQLState()) && RUNS_CODE.contains(first)) {
            return " A statement that cannot run inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM and the "
                    + "like) cannot run from a function or a DO block either, in a transaction or not: write it as a "
                    + "statement of its own in the file, and Lockstep runs the file outside a transaction.";
        }
        if (ACTIVE_SQL_TRANSACTION.equals(e.getSQLState()) && migration.transactional()) {
            return " This statement cannot run inside a transaction: add '-- lockstep:transaction=false' as the first "
                    + "line of the file, so that Lockstep runs it outside one.";
        }
        if (IN_FAILED_TRANSACTION.equals(e.getSQLState())) {
            return " The transaction it ran in had already failed: an earlier statement in it failed, and PostgreSQL "
                    + "ignores everything until the transaction ends.";
        }
        return "";
    }
}
