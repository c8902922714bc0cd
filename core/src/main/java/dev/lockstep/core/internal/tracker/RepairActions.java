package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.RepairAction;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.files.LoadedMigration;
import java.util.List;
import java.util.Optional;

/**
 * The operator actions the error messages describe, as SQL: mark an interrupted migration done,
 * forget it, accept an edited file's checksum, accept a renamed file. Each is refused, saying why,
 * unless the tracker is in the state the action is for (forgetting an applied migration would apply
 * it again). Decides only; the command runs the SQL under the migration lock.
 */
public final class RepairActions {

    private RepairActions() {
    }

    /**
     * The statement that does {@code action} to the row of migration {@code version} (with
     * {@code name}, or the only row of that version when the name is empty).
     *
     * @throws LockstepException saying why the action does not fit
     */
    public static String sqlFor(RepairAction action, Tracker tracker, List<AppliedRow> rows,
            List<LoadedMigration> onDisk, VersionsMode versions, MigrationVersion version, Optional<String> name) {
        List<AppliedRow> ofVersion = rows.stream().filter(r -> r.version().equals(version)
                && name.map(r.name()::equals).orElse(true)).toList();
        if (ofVersion.isEmpty()) {
            throw new LockstepException("The tracker " + tracker.displayName() + " has no row for version " + version
                    + name.map(n -> " named '" + n + "'").orElse("") + ".");
        }
        if (ofVersion.size() > 1) {
            throw new LockstepException("The tracker has " + ofVersion.size() + " rows for version " + version
                    + "; name the one you mean.");
        }
        AppliedRow row = ofVersion.get(0);
        Optional<LoadedMigration> file = onDisk.stream().filter(m -> m.id().equals(row.id())).findFirst();
        switch (action) {
            case MARK_DONE, FORGET -> {
                if (!row.running()) {
                    throw new LockstepException("Migration " + row.id() + " is not interrupted (its row is '"
                            + row.state().column() + "'): there is nothing to " + (action == RepairAction.MARK_DONE
                                    ? "mark done." : "forget. Forgetting an applied migration would apply it again."));
                }
                return action == RepairAction.MARK_DONE ? tracker.completeRowSql(row.id())
                        : tracker.deleteRowSql(row.id());
            }
            case MARK_UNDONE, MARK_APPLIED -> {
                if (!row.undoing()) {
                    throw new LockstepException("Migration " + row.id() + " has no interrupted undo (its row is '"
                            + row.state().column() + "'): there is nothing to mark "
                            + (action == RepairAction.MARK_UNDONE ? "undone; undo it with undo." : "applied."));
                }
                return action == RepairAction.MARK_UNDONE ? tracker.finishUndoSql(row.id())
                        : tracker.backToAppliedSql(row.id());
            }
            case ACCEPT_CHECKSUM -> {
                if (row.id().repeatable()) {
                    throw new LockstepException("Migration " + row.id() + " is repeatable: when its file changes it "
                            + "runs again; there is no checksum to accept.");
                }
                LoadedMigration onFile = file.orElseThrow(() -> new LockstepException("Migration " + row.id()
                        + " has no file on disk: there is no checksum to accept."));
                if (onFile.checksum().equals(row.checksum())) {
                    throw new LockstepException(onFile.file() + " has not changed since it was applied: there is "
                            + "nothing to accept.");
                }
                return tracker.acceptChecksumSql(row.id(), onFile.checksum());
            }
            default -> {
                if (versions != VersionsMode.UNIQUE || file.isPresent() || row.id().repeatable()) {
                    throw new LockstepException("Migration " + row.id() + " was not renamed: "
                            + (file.isPresent() ? "its file is on disk under the same name."
                                    : row.id().repeatable() ? "a repeatable migration is known by its name alone."
                                    : "renames are only recognised with versions=unique."));
                }
                LoadedMigration renamed = onDisk.stream().filter(m -> m.version().equals(row.version())).findFirst()
                        .orElseThrow(() -> new LockstepException("No file on disk has version " + row.version()
                                + ": the migration was removed, not renamed."));
                if (!renamed.checksum().equals(row.checksum())) {
                    throw new LockstepException(renamed.file() + " has the version of " + row.id() + " but other "
                            + "content: that is a different migration, not a rename.");
                }
                return tracker.renameRowSql(row.id(), renamed.name());
            }
        }
    }

}
