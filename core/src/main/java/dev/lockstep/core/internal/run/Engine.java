package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationLoader;
import dev.lockstep.core.internal.files.MigrationScanner;
import java.util.List;

/**
 * What every command of one engine shares: its settings, its collaborators, its listeners (the
 * engine's own progress first) and the loader of its files.
 */
public record Engine(RunSettings settings, EngineParts parts, Listeners listeners, MigrationLoader loader) {

    public Engine(RunSettings settings, EngineParts parts, Listeners listeners) {
        this(settings, parts, listeners, new MigrationLoader(new MigrationScanner(settings.classLoader()),
                settings.versions()));
    }

    /**
     * Reads and checks every file, opening no connection.
     *
     * @throws dev.lockstep.core.MigrationFileException listing every bad file
     */
    public List<LoadedMigration> scan() {
        return loader.load(settings.locations());
    }

    /** Who runs the migrations: the runner's name and the host, for {@code applied_by} and {@code application_name}. */
    String runner() {
        return Runner.identity(settings.runnerName());
    }
}
