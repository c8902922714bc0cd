package dev.lockstep.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lists every migration on disk or in the tracker with its state. Reads only; never fails on a mismatch. */
final class MigrationInventory {

    private MigrationInventory() {
    }

    static List<MigrationInfo> of(List<Migration> onDisk, List<AppliedRow> rows) {
        Map<String, AppliedRow> rowsByIdentity = new HashMap<>();
        long newestApplied = Long.MIN_VALUE;
        for (AppliedRow row : rows) {
            rowsByIdentity.put(row.version() + "\u0000" + row.name(), row);
            if (!row.running()) {
                newestApplied = Math.max(newestApplied, row.version());
            }
        }
        List<MigrationInfo> infos = new ArrayList<>();
        for (Migration m : onDisk) {
            AppliedRow row = rowsByIdentity.remove(m.version() + "\u0000" + m.name());
            if (row == null) {
                MigrationState state = m.version() < newestApplied ? MigrationState.OUT_OF_ORDER : MigrationState.PENDING;
                infos.add(new MigrationInfo(m.version(), m.name(), m.file(), state, m.checksum(), null, null, null));
            } else {
                MigrationState state = row.running() ? MigrationState.RUNNING
                        : row.checksum() != null && !row.checksum().equals(m.checksum()) ? MigrationState.DRIFTED
                        : MigrationState.APPLIED;
                infos.add(new MigrationInfo(m.version(), m.name(), m.file(), state, row.checksum(), row.appliedAt(),
                        row.executionMs(), row.appliedBy()));
            }
        }
        for (AppliedRow row : rowsByIdentity.values()) {
            MigrationState state = row.running() ? MigrationState.RUNNING : MigrationState.MISSING_FILE;
            infos.add(new MigrationInfo(row.version(), row.name(), null, state, row.checksum(), row.appliedAt(),
                    row.executionMs(), row.appliedBy()));
        }
        infos.sort(Comparator.comparingLong(MigrationInfo::version).thenComparing(MigrationInfo::name));
        return infos;
    }
}
