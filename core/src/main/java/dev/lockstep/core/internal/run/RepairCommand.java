package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.RepairAction;
import dev.lockstep.core.internal.drift.StoredSchema;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.tracker.RepairActions;
import dev.lockstep.core.internal.tracker.Tracker;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The operator actions ({@link RepairAction}) on one tracker row. {@link #plan} checks that the
 * action fits and says what it would run; {@link #apply} runs it under the migration lock, taken
 * without waiting through the same {@link dev.lockstep.core.internal.lock.RunLock} as a run, so it
 * never changes a tracker while a runner migrates.
 */
public final class RepairCommand {

    private static final System.Logger LOG = System.getLogger(RepairCommand.class.getName());

    private final Engine engine;
    private final RepairAction action;
    private final MigrationVersion version;
    private final Optional<String> name;

    /** @param name picks the row when the version has several; empty for the only one */
    public RepairCommand(Engine engine, RepairAction action, MigrationVersion version, Optional<String> name) {
        this.engine = engine;
        this.action = action;
        this.version = version;
        this.name = name;
    }

    /** The SQL the action would run, changing nothing; refuses with a {@link LockstepException} saying why not. */
    public String plan() {
        List<LoadedMigration> onDisk = engine.scan();
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().existingTracker(connection, "nothing to repair");
            return sqlFor(connection, tracker, onDisk);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Does the action after the same checks as {@link #plan}, under the lock; returns the SQL it ran. */
    public String apply() {
        List<LoadedMigration> onDisk = engine.scan();
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().existingTracker(connection, "nothing to repair");
            engine.target().requireWritable(connection, "repair the tracker in");
            long key = engine.target().lockKey(tracker);
            Optional<HeldLock> held = engine.parts().locks().create(key, engine.settings().get(LockstepSettings.LOCK_TIMEOUT),
                    engine.settings().get(LockstepSettings.LOCK_REPORT_INTERVAL), engine.listeners()).tryAcquire(connection);
            if (held.isEmpty()) {
                throw new LockstepException("Another runner holds the migration lock of " + tracker.displayName()
                        + " (key " + key + "): it may be migrating. Try again once it is done.");
            }
            try (HeldLock lock = held.get()) {
                String sql = sqlFor(connection, tracker, onDisk);
                boolean schemaKept = action == RepairAction.ACCEPT_CHECKSUM || action == RepairAction.ACCEPT_RENAME;
                String before = schemaKept ? StoredSchema.trackerState(connection, tracker) : null;
                try (Statement s = connection.createStatement()) {
                    s.execute(sql);
                }
                if (schemaKept) {
                    // The rows changed, the schema did not: the snapshot stored for drift still holds.
                    StoredSchema.followTracker(connection, tracker, engine.target().table(), before);
                }
                LOG.log(Level.INFO, "Tracker " + tracker.displayName() + ": " + sql);
                return sql;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private String sqlFor(Connection connection, Tracker tracker, List<LoadedMigration> onDisk) throws SQLException {
        return RepairActions.sqlFor(action, tracker, tracker.read(connection), onDisk, engine.settings().get(LockstepSettings.VERSIONS),
                version, name);
    }

    private static LockstepException failure(SQLException e) {
        return new LockstepException("Could not read or change the tracker: " + e.getMessage() + " [SQLState "
                + e.getSQLState() + "]", e);
    }
}
