package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The operator actions the error messages describe, done for the operator: mark an interrupted
 * migration done, forget it, accept an edited file's checksum, accept a renamed file. Each checks
 * that the tracker is in the state the action is for, and runs under the migration lock, taken
 * without waiting, so it never changes a tracker while a runner migrates.
 */
final class TrackerRepair {

    private static final System.Logger LOG = System.getLogger(TrackerRepair.class.getName());

    private TrackerRepair() {
    }

    /**
     * Checks that {@code action} fits the row of migration {@code version} (with {@code name}, or
     * the only row of that version when {@code name} is null) and says what it would change.
     *
     * @return the SQL it would run; refuses with a {@link LockstepException} saying why not
     */
    static String plan(LockstepSettings settings, List<Migration> onDisk, RepairAction action, MigrationVersion version, String name) {
        return run(settings, onDisk, action, version, name, false);
    }

    /** Does {@code action}, after the same checks as {@link #plan}; returns the SQL it ran. */
    static String apply(LockstepSettings settings, List<Migration> onDisk, RepairAction action, MigrationVersion version, String name) {
        return run(settings, onDisk, action, version, name, true);
    }

    private static String run(LockstepSettings settings, List<Migration> onDisk, RepairAction action, MigrationVersion version,
            String name, boolean write) {
        try (Connection c = settings.dataSource().getConnection()) {
            c.setAutoCommit(true);
            Tracker tracker = Tracker.resolve(c, settings.schema(), settings.table());
            if (!tracker.exists(c)) {
                throw new LockstepException("There is no tracker " + tracker.displayName() + " in this database: "
                        + "nothing to repair.");
            }
            long key = settings.lockKey() != null ? settings.lockKey() : LockKeys.derive(tracker.displayName());
            if (write && !tryLock(c, key)) {
                throw new LockstepException("Another runner holds the migration lock of " + tracker.displayName()
                        + " (key " + key + "): it may be migrating. Try again once it is done.");
            }
            try {
                String sql = sqlFor(action, tracker, tracker.read(c), onDisk, settings.versions(), version, name);
                if (write) {
                    try (Statement s = c.createStatement()) {
                        s.execute(sql);
                    }
                    LOG.log(Level.INFO, "Tracker " + tracker.displayName() + ": " + sql);
                }
                return sql;
            } finally {
                if (write) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT pg_advisory_unlock(" + key + ")");
                    }
                }
            }
        } catch (SQLException e) {
            throw new LockstepException("Could not read or change the tracker: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]", e);
        }
    }

    private static String sqlFor(RepairAction action, Tracker tracker, List<AppliedRow> rows, List<Migration> onDisk,
            VersionsMode versions, MigrationVersion version, String name) {
        List<AppliedRow> ofVersion = rows.stream().filter(r -> r.version().equals(version)
                && (name == null || r.name().equals(name))).toList();
        if (ofVersion.isEmpty()) {
            throw new LockstepException("The tracker " + tracker.displayName() + " has no row for version " + version
                    + (name == null ? "" : " named '" + name + "'") + ".");
        }
        if (ofVersion.size() > 1) {
            throw new LockstepException("The tracker has " + ofVersion.size() + " rows for version " + version
                    + "; name the one you mean.");
        }
        AppliedRow row = ofVersion.get(0);
        Optional<Migration> file = onDisk.stream().filter(m -> m.id().equals(row.id())).findFirst();
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
            case ACCEPT_CHECKSUM -> {
                if (row.id().repeatable()) {
                    throw new LockstepException("Migration " + row.id() + " is repeatable: when its file changes it "
                            + "runs again; there is no checksum to accept.");
                }
                Migration onFile = file.orElseThrow(() -> new LockstepException("Migration " + row.id()
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
                Migration renamed = onDisk.stream().filter(m -> m.version().equals(row.version())).findFirst()
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

    private static boolean tryLock(Connection c, long key) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
