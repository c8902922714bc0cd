package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code lockstep.baseline-version}: adopting a database whose schema already exists but that has
 * no tracker. The files up to that version are recorded as applied, marked as baselined in
 * {@code applied_by}, without running them; later files run as usual. Only a tracker with no rows
 * is baselined: one that records migrations already has a history, and the setting is refused.
 */
final class Baseline {

    static final String MARK = "baseline (lockstep.baseline-version=";
    private static final System.Logger LOG = System.getLogger(Baseline.class.getName());

    private Baseline() {
    }

    /**
     * Refuses the setting where the tracker records migrations that no baseline recorded: that
     * database has a history. Checked on every start that reads the tracker, the quick one too.
     */
    static void refuseIfHistory(Tracker tracker, List<AppliedRow> rows, MigrationVersion version) {
        boolean baselined = rows.stream().anyMatch(row -> row.appliedBy() != null && row.appliedBy().startsWith(MARK));
        if (!rows.isEmpty() && !baselined) {
            throw new LockstepConfigurationException("lockstep.baseline-version", "is " + version + ", but the tracker "
                    + tracker.displayName() + " already records " + rows.size() + " migration(s): this database has a "
                    + "history, so there is nothing to baseline. Remove lockstep.baseline-version");
        }
    }

    /** Whether the baseline covers the file; never a repeatable migration, which runs after it as after any version. */
    static boolean isBaselined(Migration migration, MigrationVersion version) {
        return !migration.repeatable() && migration.version().compareTo(version) <= 0;
    }

    /** Runs under the lock, on a tracker that exists; returns the rows as they are afterwards. */
    static List<AppliedRow> apply(Connection connection, Tracker tracker, List<Migration> onDisk, List<AppliedRow> rows,
            MigrationVersion version, String runner) throws SQLException {
        refuseIfHistory(tracker, rows, version);
        if (!rows.isEmpty()) {
            return rows; // baselined by an earlier start
        }
        List<Migration> baselined = onDisk.stream().filter(m -> isBaselined(m, version)).toList();
        String appliedBy = MARK + version + ") by " + runner;
        InTransaction.run(connection, s -> {
            for (Migration migration : baselined) {
                s.addBatch(tracker.insertBaselineSql(migration, appliedBy));
            }
            s.executeBatch();
        });
        LOG.log(Level.INFO, "Baselined " + tracker.displayName() + " at version " + version + ": recorded "
                + baselined.size() + " migration(s) as applied without running them; the files after it run as usual");
        return tracker.read(connection);
    }
}
