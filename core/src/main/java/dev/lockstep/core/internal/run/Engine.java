package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.internal.files.IndexSummary;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationLoader;
import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.session.Connector;
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

        /**
         * Every file read and checked afresh, whatever a build's index says of it: for validate, whose
         * answer must not rest on an index that may be stale (a file edited with its size and time kept).
         */
        default List<LoadedMigration> loadEveryFile() {
            return load();
        }
    }

    /** The files of the settings' locations, read on each call. */
    private record LocationFiles(RunSettings settings) implements Files {

        @Override
        public List<LoadedMigration> load() {
            return new MigrationLoader(scanner(), settings.get(LockstepSettings.VERSIONS), settings.target().placeholders())
                    .load(settings.get(LockstepSettings.LOCATIONS));
        }

        @Override
        public List<LoadedMigration> loadEveryFile() {
            return new MigrationLoader(MigrationScanner.readingEveryFile(settings.classLoader()), settings.get(LockstepSettings.VERSIONS),
                    settings.target().placeholders()).load(settings.get(LockstepSettings.LOCATIONS));
        }

        @Override
        public Optional<IndexSummary> indexSummary() {
            return scanner().indexSummary(settings.get(LockstepSettings.LOCATIONS), settings.get(LockstepSettings.VERSIONS));
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

    /** Where its commands act. */
    public RunTarget target() {
        return settings.target();
    }

    /** A connector to the target's database with the settings' retries, for a command's pinned connection. */
    Connector connector() {
        return new Connector(target().dataSource(), settings.get(LockstepSettings.CONNECT_RETRIES),
                settings.get(LockstepSettings.CONNECT_RETRIES_INTERVAL));
    }

    /** Who runs the migrations: the runner's name and the host, for {@code applied_by} and {@code application_name}. */
    String runner() {
        return Runner.identity(settings.runnerName());
    }
}
