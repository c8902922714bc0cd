package dev.lockstep.core.internal.plan;

import dev.lockstep.core.MigrationState;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationId;
import dev.lockstep.core.internal.tracker.AppliedRow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files on disk against the tracker rows, once: for every migration known to either, its
 * {@link MigrationState}. The run ({@link MigrationPlan}) and {@code info()}
 * ({@link MigrationInventory}) both read it, so they never disagree about a migration.
 */
public final class MigrationClassification {

    /**
     * One migration.
     *
     * @param file the file on disk, or {@code null} when only the tracker knows it
     * @param row the tracker row, or {@code null} when it was never applied
     * @param renamedTo for a row without a file in {@code unique} mode: the file on disk with the
     *     same version (the row's file renamed), else {@code null}
     */
    public record Entry(MigrationId id, LoadedMigration file, AppliedRow row, MigrationState state, LoadedMigration renamedTo) {
    }

    private final List<Entry> entries;

    private MigrationClassification(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * @param onDisk the files, sorted by version and name
     * @param rows the tracker rows
     */
    public static MigrationClassification of(List<LoadedMigration> onDisk, List<AppliedRow> rows, VersionsMode versions) {
        Map<MigrationId, AppliedRow> rowsById = new LinkedHashMap<>();
        MigrationVersion newestApplied = null;
        for (AppliedRow row : AppliedRow.inEffect(rows)) {
            rowsById.put(row.id(), row);
            if (!row.interrupted() && !row.id().repeatable()
                    && (newestApplied == null || row.version().compareTo(newestApplied) > 0)) {
                newestApplied = row.version();
            }
        }
        Map<MigrationVersion, LoadedMigration> diskByVersion = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (LoadedMigration m : onDisk) {
            if (!m.repeatable()) {
                diskByVersion.putIfAbsent(m.version(), m);
            }
            AppliedRow row = rowsById.remove(m.id());
            entries.add(new Entry(m.id(), m, row, stateOf(m, row, newestApplied), null));
        }
        for (AppliedRow row : rowsById.values()) {
            LoadedMigration renamedTo = versions == VersionsMode.UNIQUE ? diskByVersion.get(row.version()) : null;
            // (a repeatable migration has no version of its own: without its file it is missing)
            MigrationState state = row.running() ? MigrationState.RUNNING
                    : row.undoing() ? MigrationState.UNDOING : MigrationState.MISSING_FILE;
            entries.add(new Entry(row.id(), null, row, state, renamedTo));
        }
        entries.sort((a, b) -> a.id().compareTo(b.id()));
        return new MigrationClassification(List.copyOf(entries));
    }

    private static MigrationState stateOf(LoadedMigration file, AppliedRow row, MigrationVersion newestApplied) {
        if (row == null) {
            return !file.repeatable() && newestApplied != null && file.version().compareTo(newestApplied) < 0
                    ? MigrationState.OUT_OF_ORDER : MigrationState.PENDING;
        }
        if (row.running()) {
            return MigrationState.RUNNING;
        }
        if (row.undoing()) {
            return MigrationState.UNDOING;
        }
        if (file.repeatable()) {
            // Changed since its last run, or adopted without a checksum of ours: it runs again.
            return file.checksum().equals(row.checksum()) ? MigrationState.APPLIED : MigrationState.PENDING;
        }
        return row.checksum() != null && !row.checksum().equals(file.checksum())
                ? MigrationState.DRIFTED : MigrationState.APPLIED;
    }

    /** Every migration on disk or in the tracker, by version and name. */
    public List<Entry> entries() {
        return entries;
    }
}
