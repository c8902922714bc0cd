package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.files.IndexSummary;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationLoader;
import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What every command of one engine shares: its settings, its collaborators, its listeners (the
 * engine's own progress first) and the loader of its files.
 */
public record Engine(RunSettings settings, EngineParts parts, Listeners listeners, Files files) {

    /** Where an engine's migrations come from: its locations, read on each call, or a fleet's files read once. */
    @FunctionalInterface
    public interface Files {
        /** @throws dev.lockstep.core.MigrationFileException listing every bad file */
        List<LoadedMigration> load();

        /**
         * What a build's index says of the files, when its counts and listing sums match them; see
         * {@link MigrationScanner#indexSummary}.
         */
        default Optional<IndexSummary> indexSummary() {
            return Optional.empty();
        }
    }

    /** The files of the settings' locations, read on each call. */
    private record LocationFiles(RunSettings settings) implements Files {

        @Override
        public List<LoadedMigration> load() {
            return new MigrationLoader(scanner(), settings.versions(), settings.placeholders())
                    .load(settings.locations());
        }

        @Override
        public Optional<IndexSummary> indexSummary() {
            return scanner().indexSummary(settings.locations(), settings.versions());
        }

        private MigrationScanner scanner() {
            return new MigrationScanner(settings.classLoader());
        }
    }

    public Engine(RunSettings settings, EngineParts parts, Listeners listeners) {
        this(settings, parts, listeners, new LocationFiles(settings));
    }

    /**
     * Reads and checks every file, opening no connection.
     *
     * @throws dev.lockstep.core.MigrationFileException listing every bad file
     */
    public List<LoadedMigration> scan() {
        return files.load();
    }

    /**
     * The tracker, which an operator action needs to exist.
     *
     * @param nothingTo what there is then nothing to do, e.g. "nothing to repair"
     */
    Tracker existingTracker(Connection connection, String nothingTo) throws SQLException {
        Tracker tracker = Tracker.resolve(connection, settings.schema(), settings.table());
        if (!tracker.exists(connection)) {
            throw new LockstepException("There is no tracker " + tracker.displayName() + " in this database: "
                    + nothingTo + ".");
        }
        return tracker;
    }

    /** Who runs the migrations: the runner's name and the host, for {@code applied_by} and {@code application_name}. */
    String runner() {
        return Runner.identity(settings.runnerName());
    }
}
