package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.files.LoadedMigration;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * {@code lockstep.baseline-version}: adopting a database whose schema already exists but that has
 * no tracker. The files up to that version are recorded as applied, marked as baselined in
 * {@code applied_by}, without running them; later files run as usual. Only a tracker with no rows
 * is baselined: one that records migrations already has a history, and the setting is refused.
 */
public final class Baseline {

    public static final String MARK = "baseline (lockstep.baseline-version=";
    private static final System.Logger LOG = System.getLogger(Baseline.class.getName());

    private Baseline() {
    }

    /**
     * Refuses the setting where the tracker records migrations that no baseline recorded: that
     * database has a history. Checked on every start that reads the tracker, the quick one too.
     */
    public static void refuseIfHistory(Tracker tracker, List<AppliedRow> rows, MigrationVersion version) {
        boolean baselined = rows.stream().anyMatch(row -> row.appliedBy() != null && row.appliedBy().startsWith(MARK));
        if (!rows.isEmpty() && !baselined) {
            throw new LockstepConfigurationException("lockstep.baseline-version", "is " + version + ", but the tracker "
                    + tracker.displayName() + " already records " + rows.size() + " migration(s): this database has a "
                    + "history, so there is nothing to baseline. Remove lockstep.baseline-version");
        }
    }

    /** Whether the baseline covers the file; never a repeatable migration, which runs after it as after any version. */
    public static boolean isBaselined(LoadedMigration migration, MigrationVersion version) {
        return !migration.repeatable() && migration.version().compareTo(version) <= 0;
    }

    /**
     * The rows a baseline at {@code version} records for these files: what {@link #apply} writes,
     * and what validate and preview count as applied before it is written.
     */
    public static List<AppliedRow> rows(List<LoadedMigration> onDisk, MigrationVersion version, String runner) {
        String appliedBy = MARK + version + ") by " + runner;
        return onDisk.stream().filter(m -> isBaselined(m, version))
                .map(m -> new AppliedRow(m.id(), m.checksum(), RowState.APPLIED, Instant.now(), null, appliedBy))
                .toList();
    }

    /** Runs under the lock, on a tracker that exists; returns the rows as they are afterwards. */
    public static List<AppliedRow> apply(Connection connection, Tracker tracker, List<LoadedMigration> onDisk,
            List<AppliedRow> rows, MigrationVersion version, String runner) throws SQLException {
        refuseIfHistory(tracker, rows, version);
        if (!rows.isEmpty()) {
            return rows; // baselined by an earlier start
        }
        List<AppliedRow> baselined = rows(onDisk, version, runner);
        InTransaction.run(connection, s -> {
            for (AppliedRow row : baselined) {
                s.addBatch(tracker.insertBaselineSql(row));
            }
            s.executeBatch();
        });
        LOG.log(Level.INFO, "Baselined " + tracker.displayName() + " at version " + version + ": recorded "
                + baselined.size() + " migration(s) as applied without running them; the files after it run as usual");
        return tracker.read(connection);
    }
}
