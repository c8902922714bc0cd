package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files on disk checked against the tracker rows: what is pending, what is out of order, and
 * whether anything forbids running at all (an interrupted migration, a renamed file, an edited
 * file). Every problem found is listed in one error, each with the statement that fixes it.
 */
record MigrationPlan(List<Migration> pending, Set<Migration> outOfOrder, int alreadyApplied,
        List<String> missingFiles, List<String> driftWarnings) {

    private static final System.Logger LOG = System.getLogger(MigrationPlan.class.getName());

    static MigrationPlan build(List<Migration> onDisk, List<AppliedRow> rows, VersionsMode versions,
            ChecksumPolicy checksums, Tracker tracker) {
        Map<String, AppliedRow> rowsByIdentity = new HashMap<>();
        long newestApplied = Long.MIN_VALUE;
        for (AppliedRow row : rows) {
            rowsByIdentity.put(identity(row.version(), row.name()), row);
            newestApplied = Math.max(newestApplied, row.version());
        }
        Map<Long, Migration> diskByVersion = new HashMap<>();
        Set<String> diskIdentities = new HashSet<>();
        for (Migration m : onDisk) {
            diskByVersion.putIfAbsent(m.version(), m);
            diskIdentities.add(identity(m.version(), m.name()));
        }

        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (AppliedRow row : rows) {
            if (row.running()) {
                problems.add(interrupted(row, tracker));
            }
            if (diskIdentities.contains(identity(row.version(), row.name()))) {
                continue;
            }
            Migration renamed = versions == VersionsMode.UNIQUE ? diskByVersion.get(row.version()) : null;
            if (renamed != null) {
                problems.add("Version " + row.version() + " was applied as '" + row.name() + "' but the file on disk is "
                        + renamed.file() + ". Rename the file back, or, if the rename is intended, record it: "
                        + tracker.renameRowSql(row.version(), row.name(), renamed.name()));
            } else {
                missing.add(row.version() + "_" + row.name());
            }
        }

        List<Migration> pending = new ArrayList<>();
        Set<Migration> outOfOrder = new HashSet<>();
        int alreadyApplied = 0;
        for (Migration m : onDisk) {
            AppliedRow row = rowsByIdentity.get(identity(m.version(), m.name()));
            if (row == null) {
                pending.add(m);
                if (m.version() < newestApplied) {
                    outOfOrder.add(m);
                }
                continue;
            }
            alreadyApplied++;
            if (checksums != ChecksumPolicy.IGNORE && row.checksum() != null && !row.checksum().equals(m.checksum())) {
                String drift = m.file() + " changed after it was applied (checksum " + row.checksum() + " applied, "
                        + m.checksum() + " on disk). Restore the file as applied and put the change in a new "
                        + "migration, or, if the edit changes nothing in the schema (a comment), accept it: "
                        + tracker.acceptChecksumSql(m.version(), m.name(), m.checksum());
                if (checksums == ChecksumPolicy.FAIL) {
                    problems.add(drift);
                } else {
                    warnings.add(drift);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new LockstepException("Nothing was applied: the tracker " + tracker.displayName()
                    + " does not match the files.\n  - " + String.join("\n  - ", problems));
        }
        return new MigrationPlan(pending, outOfOrder, alreadyApplied, missing, warnings);
    }

    /** Logs what is worth knowing but does not stop the run: changed files (checksum=warn), missing files. */
    void log(Tracker tracker) {
        driftWarnings.forEach(warning -> LOG.log(Level.WARNING, warning));
        if (!missingFiles.isEmpty()) {
            LOG.log(Level.INFO, missingFiles.size() + " applied migration(s) in " + tracker.displayName()
                    + " have no file on disk (the database is ahead of this code): " + String.join(", ", missingFiles));
        }
    }

    private static String interrupted(AppliedRow row, Tracker tracker) {
        return "Migration " + row.version() + "_" + row.name() + " was interrupted: it runs outside a transaction and "
                + "its tracker row is still 'running' (started " + row.appliedAt() + " by " + row.appliedBy() + "), so "
                + "some of its statements may have taken effect. Check the schema against the file, then either finish "
                + "its remaining statements by hand and run " + tracker.completeRowSql(row.version(), row.name())
                + " or undo the ones that took effect and run " + tracker.deleteRowSql(row.version(), row.name())
                + " so that the next start applies it again.";
    }

    private static String identity(long version, String name) {
        return version + "\u0000" + name;
    }
}
