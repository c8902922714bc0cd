package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.MigrationInfo;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.plan.MigrationInventory;
import java.util.List;

/** {@code info()}: every migration on disk or in the tracker with its state, read without the lock, writing nothing. */
public final class InfoCommand {

    private final Engine engine;

    public InfoCommand(Engine engine) {
        this.engine = engine;
    }

    public List<MigrationInfo> run(List<LoadedMigration> onDisk) {
        return MigrationInventory.of(onDisk, TrackerView.read(engine, onDisk).rows(), engine.settings().get(LockstepSettings.VERSIONS));
    }
}
