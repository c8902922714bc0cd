package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.plan.MigrationPlan;
import dev.lockstep.core.internal.tracker.AdoptedHistory;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Baseline;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The tracker as it is, read on a connection of its own, without the lock and without creating
 * anything: for {@code info()}, {@code validate()} and {@code preview()}. While the tracker does not
 * exist, its rows are those {@code migrate()} would adopt from Flyway's or golang-migrate's history,
 * if the database has one.
 *
 * @param absence {@code ""} when the tracker exists, else what messages say about it
 */
record TrackerView(Tracker tracker, List<AppliedRow> rows, String absence) {

    static TrackerView read(Engine engine, List<LoadedMigration> onDisk) {
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().tracker(connection);
            if (tracker.exists(connection)) {
                return new TrackerView(tracker, tracker.read(connection), "");
            }
            return AdoptedHistory.read(connection, tracker, onDisk)
                    .map(found -> new TrackerView(tracker, found.rows(), " (the tracker does not exist yet: migrate "
                            + "adopts " + found.table() + ")"))
                    .orElse(new TrackerView(tracker, List.of(), " (the tracker does not exist)"));
        } catch (SQLException e) {
            throw new LockstepException("Could not read the tracker: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]", e);
        }
    }

    /** What migrate would do now; an empty tracker counts the rows a configured baseline would record. */
    MigrationPlan plan(Engine engine, List<LoadedMigration> onDisk) {
        List<AppliedRow> known = rows;
        if (known.isEmpty() && engine.settings().baselineVersion().isPresent()) {
            known = Baseline.rows(onDisk, engine.settings().baselineVersion().get(), engine.runner());
        }
        return MigrationPlan.build(onDisk, known, engine.settings().get(LockstepSettings.VERSIONS), engine.settings().get(LockstepSettings.CHECKSUM), tracker);
    }
}
