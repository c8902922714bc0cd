package dev.lockstep.core.internal.plan;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Tracker;

import java.lang.System.Logger.Level;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files on disk checked against the tracker rows: what is pending, what is out of order, and
 * whether anything forbids running at all (an interrupted migration, a renamed file, an edited
 * file). Every problem found is listed in one error, each with the statement that fixes it.
 *
 * @param resumed pending migrations whose row is {@code running} from an interrupted run and whose
 *     statements are all concurrent index builds (naming their index) or drops, unchanged since:
 *     the run finishes them ({@link dev.lockstep.core.internal.files.FileFacts#resumable()})
 */
public record MigrationPlan(List<LoadedMigration> pending, Set<LoadedMigration> outOfOrder, int alreadyApplied,
        List<String> missingFiles, List<String> driftWarnings, Set<LoadedMigration> resumed) {

    private static final System.Logger LOG = System.getLogger(MigrationPlan.class.getName());

    public static MigrationPlan build(List<LoadedMigration> onDisk, List<AppliedRow> rows, VersionsMode versions,
            ChecksumPolicy checksums, Tracker tracker) {
        return build(onDisk, rows, versions, checksums, tracker, List.of());
    }

    /**
     * @param invalidIndexes INVALID indexes found in the tracker's schema, described with the
     *     statement that drops each, to name in the error about an interrupted migration
     */
    public static MigrationPlan build(List<LoadedMigration> onDisk, List<AppliedRow> rows, VersionsMode versions,
            ChecksumPolicy checksums, Tracker tracker, List<String> invalidIndexes) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<LoadedMigration> pending = new ArrayList<>();
        Set<LoadedMigration> outOfOrder = new HashSet<>();
        Set<LoadedMigration> resumed = new HashSet<>();
        int alreadyApplied = 0;
        for (MigrationClassification.Entry entry : MigrationClassification.of(onDisk, rows, versions).entries()) {
            AppliedRow row = entry.row();
            LoadedMigration file = entry.file();
            if (row != null && row.undoing()) {
                problems.add(interruptedUndo(row, tracker));
                continue;
            }
            if (row != null && row.running()) {
                if (file != null && file.facts().resumable() && file.checksum().equals(row.checksum())) {
                    resumed.add(file);
                    pending.add(file);
                    continue;
                }
                problems.add(interrupted(row, tracker, invalidIndexes));
            }
            if (file == null) {
                if (entry.renamedTo() != null) {
                    boolean lookAlike = Normalizer.normalize(row.name(), Normalizer.Form.NFC)
                            .equals(entry.renamedTo().name());
                    problems.add("Version " + row.version() + " was applied as '" + row.name() + "' but the file on "
                            + "disk is " + entry.renamedTo().file() + (lookAlike ? " (the two names differ only in "
                                    + "Unicode normalization, NFD and NFC)" : "")
                            + ". Rename the file back, or, if the rename is "
                            + "intended, record it: " + tracker.renameRowSql(row.id(), entry.renamedTo().name())
                            + " (lockstep-cli accept-rename " + row.id().cliOptions() + ")");
                } else {
                    missing.add(entry.id().toString());
                }
                continue;
            }
            switch (entry.state()) {
                case OUT_OF_ORDER -> {
                    pending.add(file);
                    outOfOrder.add(file);
                }
                case PENDING -> pending.add(file);
                case DRIFTED -> {
                    alreadyApplied++;
                    if (checksums != ChecksumPolicy.IGNORE) {
                        String drift = drift(file, row, tracker);
                        (checksums == ChecksumPolicy.FAIL ? problems : warnings).add(drift);
                    }
                }
                default -> alreadyApplied++;
            }
        }
        if (!problems.isEmpty()) {
            throw new LockstepException("Nothing was applied: the tracker " + tracker.displayName()
                    + " does not match the files.\n  - " + String.join("\n  - ", problems));
        }
        return new MigrationPlan(pending, outOfOrder, alreadyApplied, missing, warnings, resumed);
    }

    private static String drift(LoadedMigration file, AppliedRow row, Tracker tracker) {
        return file.file() + " changed after it was applied (checksum " + row.checksum() + " applied, "
                + file.checksum() + " on disk). Restore the file as applied and put the change in a new "
                + "migration, or, if the edit changes nothing in the schema (a comment), accept it: "
                + tracker.acceptChecksumSql(file.id(), file.checksum())
                + " (lockstep-cli accept-checksum " + file.id().cliOptions() + ")";
    }

    /** Logs what is worth knowing but does not stop the run: changed files (checksum=warn), missing files. */
    public void log(Tracker tracker) {
        driftWarnings.forEach(warning -> LOG.log(Level.WARNING, warning));
        if (!missingFiles.isEmpty()) {
            LOG.log(Level.INFO, missingFiles.size() + " applied migration(s) in " + tracker.displayName()
                    + " have no file on disk (the database is ahead of this code): " + String.join(", ", missingFiles));
        }
    }

    /** An undo stopped half-way: what may have happened and the two ways out, as SQL and as commands. */
    public static String interruptedUndo(AppliedRow row, Tracker tracker) {
        return "The undo of migration " + row.id() + " was interrupted: its down runs outside a transaction and its "
                + "tracker row says 'undoing', so some of the down's statements may have taken effect. Check the "
                + "schema against the down, then either finish its remaining statements by hand and run "
                + tracker.finishUndoSql(row.id()) + " (lockstep-cli mark-undone " + row.id().cliOptions()
                + "), or put back what took effect and run " + tracker.backToAppliedSql(row.id())
                + " (lockstep-cli mark-applied " + row.id().cliOptions() + ").";
    }

    private static String interrupted(AppliedRow row, Tracker tracker, List<String> invalidIndexes) {
        return "Migration " + row.id() + " was interrupted: it runs outside a transaction and "
                + "its tracker row is still 'running' (started " + row.appliedAt() + " by " + row.appliedBy() + "), so "
                + "some of its statements may have taken effect. Check the schema against the file, then either finish "
                + "its remaining statements by hand and run " + tracker.completeRowSql(row.id())
                + " (lockstep-cli mark-done " + row.id().cliOptions() + ") or undo the ones that took effect and run "
                + tracker.deleteRowSql(row.id()) + " (lockstep-cli forget " + row.id().cliOptions()
                + ") so that the next start applies it again."
                + (invalidIndexes.isEmpty() ? "" : " INVALID indexes in " + tracker.schema() + " or named by it, which an "
                        + "interrupted concurrent build or drop leaves: " + String.join("; ", invalidIndexes) + ".");
    }
}
