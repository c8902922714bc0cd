package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.session.ConnectionFailures;
import dev.lockstep.core.internal.session.Connector;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.RowState;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What became of a write whose reply never came: the connection died after {@code COMMIT} (or the
 * autocommit {@code UPDATE} of a {@code running} row) was sent. The server may have committed it,
 * for instance a commit that waited for a synchronous standby when its backend was terminated
 * ("already committed locally"). The tracker row, read over a new connection, says which.
 */
final class CommitOutcome {

    /** What the tracker said. */
    enum Found {
        /** The row is {@code applied} with this file's checksum: the migration committed and is recorded. */
        COMMITTED,
        /** The row is not {@code applied} with this checksum: the write did not commit. */
        NOT_COMMITTED,
        /** The tracker could not be read: nobody knows yet. */
        UNKNOWN
    }

    /**
     * @param found what the tracker said
     * @param readFailure why it could not be read, when {@code found} is {@link Found#UNKNOWN}
     */
    record Checked(Found found, Optional<SQLException> readFailure) {
    }

    private CommitOutcome() {
    }

    static Checked check(Connector connector, Tracker tracker, LoadedMigration migration) {
        try (Connection connection = connector.connect()) {
            boolean applied = tracker.read(connection).stream()
                    .filter(row -> row.id().equals(migration.id()) && row.state() == RowState.APPLIED)
                    .map(AppliedRow::checksum)
                    .anyMatch(migration.checksum()::equals);
            return new Checked(applied ? Found.COMMITTED : Found.NOT_COMMITTED, Optional.empty());
        } catch (SQLException e) {
            return new Checked(Found.UNKNOWN, Optional.of(e));
        }
    }

    /**
     * The connection died after a write that records the migration was sent (the transaction's
     * {@code COMMIT}, the {@code running} row's {@code UPDATE}): the server may have done it. Reads
     * the tracker over a new connection and says what it found.
     */
    static LockstepException report(Connector connector, Tracker tracker, LoadedMigration migration, SQLException lost,
            String write) {
        CommitOutcome.Checked checked = CommitOutcome.check(connector, tracker, migration);
        SQLException reason = ConnectionFailures.serverReason(lost);
        String cause = reason.getMessage() + " [SQLState " + reason.getSQLState() + "]";
        LockstepException failure = switch (checked.found()) {
            case COMMITTED -> new AppliedThenConnectionLost("Migration " + migration.file() + " was applied and "
                    + "recorded, but the connection to PostgreSQL was lost at " + write + " (" + cause + "): its "
                    + "tracker row, read again over a new connection, says 'applied'. The run stopped there, as its "
                    + "session and lock are gone; start again to apply the rest.", lost);
            case NOT_COMMITTED -> new MigrationFailedException("Migration " + migration.file() + " was not "
                    + "recorded: the connection to PostgreSQL was lost at " + write + " (" + cause + "), and its "
                    + "tracker row, read again over a new connection, does not say 'applied'.\n  "
                    + (migration.transactional() ? "Its transaction did not commit, so the schema is as it was "
                            + "before this migration. Start again once the database is reachable."
                            : "Its statements ran and took effect; its row stays 'running'. Check the schema, then "
                                    + "run " + tracker.completeRowSql(migration.id())), migration.file(), 0, lost);
            case UNKNOWN -> new MigrationFailedException("Migration " + migration.file() + ": the connection to "
                    + "PostgreSQL was lost at " + write + " (" + cause + "), so whether it committed is unknown, and "
                    + "the tracker could not be read to find out (" + checked.readFailure().map(Throwable::getMessage)
                            .orElse("") + ").\n  Once the database is reachable, SELECT state, checksum FROM "
                    + tracker.qualifiedName() + " WHERE " + tracker.whereSql(migration.id()) + "; shows it: "
                    + "'applied' with checksum " + migration.checksum() + " means it is applied and recorded, "
                    + "anything else that it is not. The next start reads it too, and goes on from what it says.",
                    migration.file(), 0, lost);
        };
        checked.readFailure().ifPresent(failure::addSuppressed);
        return failure;
    }
}
