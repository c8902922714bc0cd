package dev.lockstep.core.internal.plan;

import dev.lockstep.core.MigrationInfo;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.tracker.AppliedRow;

import java.util.List;

/** Lists every migration on disk or in the tracker with its state. Reads only; never fails on a mismatch. */
public final class MigrationInventory {

    private MigrationInventory() {
    }

    public static List<MigrationInfo> of(List<LoadedMigration> onDisk, List<AppliedRow> rows, VersionsMode versions) {
        return MigrationClassification.of(onDisk, rows, versions).entries().stream().map(MigrationInventory::info).toList();
    }

    private static MigrationInfo info(MigrationClassification.Entry entry) {
        LoadedMigration file = entry.file();
        AppliedRow row = entry.row();
        String fileName = file == null ? null : file.file();
        if (row == null) {
            return new MigrationInfo(entry.id().version(), entry.id().name(), fileName, entry.state(), file.checksum(),
                    null, null, null);
        }
        return new MigrationInfo(entry.id().version(), entry.id().name(), fileName, entry.state(), row.checksum(),
                row.appliedAt(), row.executionMs(), row.appliedBy());
    }
}
