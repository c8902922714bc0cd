package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.tracker.AdoptedHistory;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Baseline;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The phase after the lock is taken: the tracker made ready for the run. An existing one is
 * brought to today's layout; a missing one is created, adopting Flyway's or golang-migrate's
 * history in the same transaction when the schema has one; then, with
 * {@code lockstep.baseline-version}, an empty tracker is baselined. Returns the rows as they are
 * afterwards.
 */
final class TrackerSetup {

    private TrackerSetup() {
    }

    static List<AppliedRow> prepare(Connection connection, Tracker tracker, List<LoadedMigration> onDisk,
            Optional<MigrationVersion> baselineVersion, String runner) throws SQLException {
        if (tracker.exists(connection)) {
            tracker.upgradeIfOld(connection);
        } else {
            Optional<AdoptedHistory.Found> adopted = AdoptedHistory.read(connection, tracker, onDisk);
            if (adopted.isPresent()) {
                refuseBaselineOf(adopted.get(), baselineVersion);
                AdoptedHistory.record(connection, tracker, adopted.get());
            } else {
                tracker.create(connection);
            }
        }
        List<AppliedRow> rows = tracker.read(connection);
        if (baselineVersion.isPresent()) {
            rows = Baseline.apply(connection, tracker, onDisk, rows, baselineVersion.get(), runner);
        }
        return rows;
    }

    /** A history to adopt is a history: there is nothing to baseline. */
    static void refuseBaselineOf(AdoptedHistory.Found history, Optional<MigrationVersion> baselineVersion) {
        if (baselineVersion.isPresent()) {
            throw new LockstepConfigurationException("lockstep.baseline-version", "is " + baselineVersion.get()
                    + ", but this database has a history in " + history.table() + ", which Lockstep adopts "
                    + "instead (" + history.rows().size() + " migration(s)). Remove lockstep.baseline-version");
        }
    }
}
