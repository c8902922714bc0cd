package dev.lockstep.core.internal.run;

import dev.lockstep.core.CatalogSnapshot;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.RoundTrip;
import dev.lockstep.core.internal.files.DownMigration;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that each down undoes its up, on a database that has nothing of the migrations yet (a
 * fresh clone, never production): for each migration in order, snapshot the catalog, run the up,
 * and if it has a down, run the down, compare the catalog with the snapshot, and run the up again
 * so the next migration starts where it expects. The first down that does not bring the catalog back
 * ends the check: the later migrations would start from a schema none of them expects. Records
 * nothing in a tracker.
 */
public final class RoundTripCommand {

    private final Engine engine;

    public RoundTripCommand(Engine engine) {
        this.engine = engine;
    }

    public List<RoundTrip> run() {
        List<LoadedMigration> onDisk = engine.scan();
        List<RoundTrip> trips = new ArrayList<>();
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().tracker(connection);
            if (tracker.exists(connection)) {
                throw new LockstepException("The round trip runs on a database without migrations, and "
                        + tracker.displayName() + " exists here; give it a fresh database (a template clone)");
            }
            String schema = tracker.schema();
            Set<String> ignored = Set.of(engine.target().table());
            FileReplay replay = new FileReplay(connection, "Round trip");
            replay.set(engine.target().sessionSettings(connection));
            for (LoadedMigration migration : onDisk) {
                CatalogSnapshot before = CatalogSnapshot.of(connection, schema, ignored);
                runUp(replay, migration);
                Optional<String> refused = migration.down().flatMap(DownMigration::refusal);
                if (refused.isPresent() && !migration.down().get().irreversible()) {
                    throw new LockstepException("Round trip: the down of " + migration.file() + " cannot run: "
                            + refused.get());
                }
                if (migration.keptDown().isPresent()) {
                    var down = migration.keptDown().get();
                    replay.run(down.openStatements(), down.facts().transactional(), down.file());
                    List<String> differences = CatalogSnapshot.of(connection, schema, ignored).differencesFrom(before);
                    trips.add(new RoundTrip(migration.file(), down.file(), differences));
                    if (!differences.isEmpty()) {
                        break; // the schema is not what the up expects: the later round trips cannot be checked
                    }
                    runUp(replay, migration);
                }
            }
        } catch (SQLException e) {
            throw new LockstepException("The round trip could not read the catalog: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]", e);
        }
        return trips;
    }

    private static void runUp(FileReplay replay, LoadedMigration migration) throws SQLException {
        replay.runUp(migration);
    }
}
