package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One run, steps 2 to 7 of the design, on one pinned connection:
 * <ol>
 *   <li>Borrow a connection and keep it: lock, work and unlock must share one session, or the lock
 *       protects nothing. Name the session and set keepalives (restored afterwards).</li>
 *   <li>Resolve the tracker's schema once. If the tracker already records every file as applied,
 *       return: a restart with nothing to do takes no lock and changes no setting.</li>
 *   <li>Derive the lock key, take the lock.</li>
 *   <li>Create the tracker if missing, read the applied set, check it against the files.</li>
 *   <li>Apply what is pending, in order, each recorded inside the lock.</li>
 *   <li>Unlock in {@code finally}; if unlocking fails, abort the physical connection, so a held
 *       lock can never go back into the pool.</li>
 * </ol>
 */
final class MigrationRun {

    private static final System.Logger LOG = System.getLogger(MigrationRun.class.getName());
    private static final String HOST = hostName();

    private final LockstepConfiguration settings;
    private final Listeners listeners;
    private final LongFunction<RunLock> locks;
    private final String appliedBy;
    /** The tracker rows as this run last read them plus what it applied since, for info() during a run. */
    private volatile List<AppliedRow> knownRows = List.of();

    MigrationRun(LockstepConfiguration settings, Listeners listeners, LongFunction<RunLock> locks) {
        this.settings = settings;
        this.listeners = listeners;
        this.locks = locks;
        this.appliedBy = (settings.runnerName == null ? "" : settings.runnerName + "@") + HOST;
    }

    MigrationReport execute(List<Migration> onDisk, long startedNanos) throws SQLException {
        try (Connection connection = settings.dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            Tracker tracker = Tracker.resolve(connection, settings.schema, settings.table);
            LOG.log(Level.INFO, "Lockstep run on " + DatabaseDescription.of(connection) + ": tracker "
                    + tracker.displayName() + ", " + onDisk.size() + " migration file(s), runner '" + appliedBy + "'");
            MigrationReport upToDate = upToDateWithoutLock(connection, tracker, onDisk, startedNanos, Duration.ZERO);
            if (upToDate != null) {
                connection.setAutoCommit(autoCommit);
                return upToDate;
            }
            SessionSettings session = new SessionSettings(sessionSettings());
            session.apply(connection);
            boolean healthy = true;
            try {
                long key = settings.lockKey != null ? settings.lockKey : LockKeys.derive(tracker.displayName());
                RunLock lock = locks.apply(key);
                long waitStarted = System.nanoTime();
                MigrationReport[] doneByOthers = new MigrationReport[1];
                boolean[] trackerSeen = new boolean[1];
                Duration waited = acquire(lock, connection, startedNanos, () -> {
                    // Between tries: leave once the holder has applied everything. The count is the
                    // cheap look; the full check runs only when it could succeed.
                    trackerSeen[0] = trackerSeen[0] || tracker.exists(connection);
                    doneByOthers[0] = trackerSeen[0] && tracker.countApplied(connection) >= onDisk.size()
                            ? upToDateWithoutLock(connection, tracker, onDisk, startedNanos,
                                    Duration.ofNanos(System.nanoTime() - waitStarted))
                            : null;
                    return doneByOthers[0] == null;
                });
                if (waited == null) {
                    return doneByOthers[0];
                }
                try {
                    return migrateLocked(connection, tracker, onDisk, waited, startedNanos);
                } finally {
                    healthy = release(lock, connection);
                }
            } finally {
                if (healthy) {
                    restore(session, connection, autoCommit);
                }
            }
        }
    }

    /**
     * The common restart: every file already applied. Rows are only ever added, so if the tracker
     * already holds every file as applied (none half-done) there is nothing a lock could protect:
     * return without taking it. Anything else, including a missing tracker, takes the locked path.
     */
    private MigrationReport upToDateWithoutLock(Connection connection, Tracker tracker, List<Migration> onDisk,
            long startedNanos, Duration lockWait) throws SQLException {
        if (!tracker.exists(connection)) {
            return null;
        }
        List<AppliedRow> rows = tracker.read(connection);
        knownRows = rows;
        if (rows.stream().anyMatch(AppliedRow::running)) {
            return null;
        }
        MigrationPlan plan = MigrationPlan.build(onDisk, rows, settings.versions, settings.checksum, tracker);
        if (!plan.pending().isEmpty()) {
            return null;
        }
        plan.log(tracker);
        listeners.pendingResolved(List.of(), plan.alreadyApplied());
        return new MigrationReport(tracker.displayName(), List.of(), plan.alreadyApplied(), plan.missingFiles(),
                lockWait, Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private Map<String, String> sessionSettings() {
        Map<String, String> wanted = new LinkedHashMap<>(SessionSettings.KEEPALIVES);
        wanted.put("application_name", "lockstep " + appliedBy);
        if (settings.statementTimeout != null) {
            wanted.put("statement_timeout", settings.statementTimeout.toMillis() + "ms");
        }
        return wanted;
    }

    /** Takes the lock; {@code null} if another runner applied everything while this one waited. */
    private Duration acquire(RunLock lock, Connection connection, long startedNanos, RunLock.StillNeeded stillNeeded)
            throws SQLException {
        try {
            Duration waited = lock.acquire(connection, stillNeeded);
            if (waited != null) {
                listeners.lockAcquired(waited);
            }
            return waited;
        } catch (LockstepException e) {
            listeners.lockFailed(Duration.ofNanos(System.nanoTime() - startedNanos), e);
            throw e;
        } catch (SQLException e) {
            LockstepException failure = new LockstepException("Could not take the migration lock: " + e.getMessage(), e);
            listeners.lockFailed(Duration.ofNanos(System.nanoTime() - startedNanos), failure);
            throw failure;
        }
    }

    private MigrationReport migrateLocked(Connection connection, Tracker tracker, List<Migration> onDisk,
            Duration waited, long startedNanos) throws SQLException {
        tracker.createIfMissing(connection);
        knownRows = tracker.read(connection);
        MigrationPlan plan = MigrationPlan.build(onDisk, knownRows, settings.versions, settings.checksum, tracker);
        plan.log(tracker);
        listeners.pendingResolved(plan.pending(), plan.alreadyApplied());
        MigrationApplier applier = new MigrationApplier(tracker, appliedBy);
        List<AppliedMigration> applied = new ArrayList<>();
        int total = plan.pending().size();
        for (Migration migration : plan.pending()) {
            int index = applied.size() + 1;
            if (Thread.currentThread().isInterrupted()) {
                throw new RunStoppedException("Stopped before " + migration.file() + " because the run was interrupted: "
                        + applied.size() + " of " + total + " pending migration(s) applied and recorded; the rest "
                        + "apply at the next start.");
            }
            listeners.migrationStarted(migration, index, total);
            long started = System.nanoTime();
            Duration took;
            try {
                runHooks(migration);
                took = applier.apply(connection, migration);
            } catch (LockstepException e) {
                listeners.migrationFailed(migration, Duration.ofNanos(System.nanoTime() - started), e);
                throw e;
            }
            boolean outOfOrder = plan.outOfOrder().contains(migration);
            LOG.log(Level.INFO, "Applied migration " + index + "/" + total + " " + migration.file() + " in "
                    + took.toMillis() + " ms (" + (migration.transactional() ? "in a transaction" : "outside a transaction")
                    + (outOfOrder ? ", out of order: a higher version was already applied" : "") + ")");
            listeners.migrationApplied(migration, took);
            applied.add(new AppliedMigration(migration, took, outOfOrder));
            knownRows = append(knownRows, new AppliedRow(migration.version(), migration.name(), migration.checksum(),
                    "applied", Instant.now(), took.toMillis(), appliedBy));
        }
        return new MigrationReport(tracker.displayName(), applied, plan.alreadyApplied(), plan.missingFiles(), waited,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    /** What this run knows of the tracker without a query: rows it read, plus what it applied since. */
    List<AppliedRow> knownRows() {
        return knownRows;
    }

    private static List<AppliedRow> append(List<AppliedRow> rows, AppliedRow row) {
        List<AppliedRow> more = new ArrayList<>(rows);
        more.add(row);
        return List.copyOf(more);
    }

    private void runHooks(Migration migration) {
        for (MigrationHook hook : settings.hooks) {
            if (!hook.appliesTo(migration)) {
                continue;
            }
            try {
                hook.beforeMigration(migration, settings.dataSource);
            } catch (Exception e) {
                throw new LockstepException("Hook " + hook.getClass().getName() + " failed before " + migration.file()
                        + ": " + e.getMessage() + ". The migration did not run and nothing was recorded.", e);
            }
        }
    }

    /** Unlocks; on failure aborts the physical connection and reports that it did. */
    private static boolean release(RunLock lock, Connection connection) {
        try {
            lock.release(connection);
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release the migration lock; aborting the connection so the lock dies "
                    + "with its session instead of going back to the pool", e);
            abort(connection);
            return false;
        }
    }

    private static void restore(SessionSettings session, Connection connection, boolean autoCommit) {
        try {
            session.restore(connection);
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not restore the session settings Lockstep changed; aborting the connection "
                    + "rather than returning it to the pool changed", e);
            abort(connection);
        }
    }

    private static void abort(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Aborting the connection failed too", e);
        }
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
