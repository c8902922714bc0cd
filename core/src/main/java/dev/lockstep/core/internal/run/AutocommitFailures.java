package dev.lockstep.core.internal.run;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.session.ConnectionFailures;
import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A statement of a migration outside a transaction failed: puts right what can be put right on a
 * live connection, and returns the error that says what is left.
 * <ul>
 *   <li>A transaction the file opened is aborted: it is rolled back, so the session works again.</li>
 *   <li>A concurrent build that left an INVALID index (absent before, INVALID now) has it dropped,
 *       so no broken index outlives the failure.</li>
 *   <li>When provably nothing took effect (no statement before it changed the database, and the
 *       failed one left nothing), the {@code running} row is removed: the migration is as if it
 *       never ran, and the next start runs it again, as it would a failed transactional one.</li>
 * </ul>
 * On a lost connection nothing can be done: the error says what the statement may have left.
 * Errors while putting right are attached to the statement's, never put in its place.
 */
final class AutocommitFailures {

    /**
     * Where the statement ran.
     *
     * @param openedBy the statement that opened the transaction the file is in, if it is in one
     * @param build for a concurrent build that names its index: the index's state before it
     * @param earlierTookEffect whether a statement before it may have changed the database
     * @param consequence what a failure leaves, and the SQL that recovers, when something took effect
     */
    record Context(Optional<SqlStatement> openedBy, Optional<ConcurrentBuild> build, boolean earlierTookEffect,
            String consequence) {
    }

    private final Tracker tracker;

    AutocommitFailures(Tracker tracker) {
        this.tracker = tracker;
    }

    MigrationFailedException of(Connection connection, LoadedMigration migration, SqlStatement sql, SQLException e,
            Context context) {
        if (ConnectionFailures.isConnectionLost(e, connection)) {
            return StatementErrors.failed(migration, sql, e, "The connection to PostgreSQL was lost. "
                    + context.consequence() + sql.facts().partWay().map(AutocommitFailures::mayHaveLeft).orElse(""));
        }
        List<SQLException> cleanup = new ArrayList<>();
        boolean blockRolledBack = context.openedBy().isEmpty() || rollBack(connection, cleanup);
        Leftover leftover = leftover(connection, sql, context.build(), cleanup);
        String consequence = context.consequence() + leftover.said();
        if (!context.earlierTookEffect() && blockRolledBack && leftover.none() && cleanup.isEmpty()) {
            try {
                tracker.deleteRow(connection, migration.id());
                consequence = "Nothing took effect: " + (context.openedBy().isPresent() ? "the transaction the file "
                        + "opened at line " + context.openedBy().get().line() + " was rolled back" : leftover.undone())
                        + ", and no statement before it changed the database, so its tracker row was removed. Fix the "
                        + "file and start again.";
            } catch (SQLException rowFailure) {
                cleanup.add(rowFailure);
            }
        }
        MigrationFailedException failure = StatementErrors.failed(migration, sql, e, consequence);
        cleanup.forEach(failure::addSuppressed);
        return failure;
    }

    private static boolean rollBack(Connection connection, List<SQLException> cleanup) {
        try (Statement rollback = connection.createStatement()) {
            rollback.execute("ROLLBACK");
            return true;
        } catch (SQLException e) {
            cleanup.add(e);
            return false;
        }
    }

    /**
     * What the failed statement left.
     *
     * @param none whether it provably left nothing (now)
     * @param said a sentence that says what it left and what became of it, empty when there is nothing to say
     * @param undone when it left nothing, how that came about, as a clause
     */
    private record Leftover(boolean none, String said, String undone) {

        static final String ROLLED_BACK = "the statement's own work was rolled back";

        static Leftover nothing() {
            return new Leftover(true, "", ROLLED_BACK);
        }

        static Leftover unknown(String said) {
            return new Leftover(false, said, "");
        }
    }

    private static Leftover leftover(Connection connection, SqlStatement sql, Optional<ConcurrentBuild> build,
            List<SQLException> cleanup) {
        Optional<PartWay> work = sql.facts().partWay();
        if (work.isEmpty()) {
            return Leftover.nothing();
        }
        if (build.isEmpty()) {
            return Leftover.unknown(mayHaveLeft(work.get()));
        }
        String index = build.get().written();
        try {
            if (!build.get().leftInvalidIndex(connection)) {
                return new Leftover(true, "", "the build stopped before it created its index");
            }
            index = build.get().dropLeftover(connection);
            return new Leftover(true, " The build left the INVALID index " + index + ", which Lockstep dropped "
                    + "(DROP INDEX CONCURRENTLY).", "the INVALID index " + index + " the build left was dropped "
                    + "(DROP INDEX CONCURRENTLY)");
        } catch (SQLException e) {
            cleanup.add(e);
            return Leftover.unknown(" It may have left the INVALID index " + index + "; removing it failed ("
                    + e.getMessage() + "): DROP INDEX CONCURRENTLY IF EXISTS " + index + ".");
        }
    }

    private static String mayHaveLeft(PartWay work) {
        return " It may have left " + work.leftover() + (work.kind() == PartWay.Kind.BUILDS_INDEX
                && work.index().isPresent() ? " (DROP INDEX CONCURRENTLY IF EXISTS " + work.index().get().text() + ")"
                : "") + ".";
    }
}
