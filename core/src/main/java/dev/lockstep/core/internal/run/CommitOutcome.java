package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.files.LoadedMigration;
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
}
