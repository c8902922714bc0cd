package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import javax.sql.DataSource;

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
    /** Idle seconds before the server probes, seconds between probes, probes before it gives up. */
    static final Map<String, String> KEEPALIVES = Map.of(
            "tcp_keepalives_idle", "10",
            "tcp_keepalives_interval", "5",
            "tcp_keepalives_count", "3");
    private static final String CLIENT_CONNECTION_CHECK = "1s";

    private final LockstepSettings settings;
    private final Listeners listeners;
    private final LongFunction<RunLock> locks;
    private final String appliedBy;
    private final boolean poolerCheck;
    /** The tracker rows as this run last read them plus what it applied since, for info() during a run. */
    private volatile List<AppliedRow> knownRows = List.of();

    MigrationRun(LockstepSettings settings, Listeners listeners, LongFunction<RunLock> locks,
            boolean poolerCheck) {
        this.poolerCheck = poolerCheck;
        this.settings = settings;
        this.listeners = listeners;
        this.locks = locks;
        this.appliedBy = (settings.runnerName() == null ? "" : settings.runnerName() + "@") + HOST;
    }

    MigrationReport execute(List<Migration> onDisk, long startedNanos) throws SQLException {
        Connector connector = new Connector(settings.dataSource(), settings.connectRetries(), settings.connectRetriesInterval());
        Connection connection = connector.connect();
        long waitStarted = System.nanoTime();
        int reconnects = 0;
        while (true) {
            try (Connection current = connection) {
                return executeOn(current, onDisk, startedNanos, waitStarted);
            } catch (WaiterLostConnection lost) {
                // Held nothing: wait on over a new connection, within the lock timeout.
                long deadline = waitStarted + settings.lockTimeout().toNanos();
                reconnects++;
                LOG.log(Level.WARNING, "Lost the connection to PostgreSQL while waiting for the migration lock ("
                        + lost.getCause().getMessage() + " [SQLState " + ((SQLException) lost.getCause()).getSQLState()
                        + "]); this runner held nothing and reconnects to wait on (reconnect " + reconnects + ")");
                connection = connector.reconnect(deadline, lost.getCause());
            }
        }
    }

    /**
     * One attempt on one connection. A connection that dies before this run holds the lock ends the
     * attempt with {@link WaiterLostConnection}, so {@link #execute} can wait on over a new one.
     */
    private MigrationReport executeOn(Connection connection, List<Migration> onDisk, long startedNanos,
            long waitStarted) throws SQLException, WaiterLostConnection {
        Attempt attempt = new Attempt(connection, onDisk, startedNanos, waitStarted);
        try {
            return attempt.run();
        } catch (SQLException e) {
            if (!attempt.holding && ConnectionFailures.isConnectionLost(e, connection)
                    && System.nanoTime() - waitStarted < settings.lockTimeout().toNanos()) {
                throw new WaiterLostConnection(e);
            }
            throw e;
        }
    }

    /** What waiting for the lock ended in. */
    private sealed interface LockWait permits Acquired, DoneByOthers {
    }

    /** This run holds the lock, after waiting this long. */
    private record Acquired(Duration waited) implements LockWait {
    }

    /** Another runner applied everything while this one waited; the lock is not held. */
    private record DoneByOthers(MigrationReport report) implements LockWait {
    }

    /** One attempt's connection and what it has done to it, so one path can put it back. */
    private final class Attempt {
        private final Connection connection;
        private final List<Migration> onDisk;
        private final long startedNanos;
        private final long waitStarted;
        private boolean autoCommit;
        /** The session as it came, once this run changed it; {@code null} before. */
        private SessionState original;
        private boolean holding;
        private boolean trackerSeen;
        private MigrationReport doneByOthers;

        Attempt(Connection connection, List<Migration> onDisk, long startedNanos, long waitStarted) {
            this.connection = connection;
            this.onDisk = onDisk;
            this.startedNanos = startedNanos;
            this.waitStarted = waitStarted;
        }

        MigrationReport run() throws SQLException {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            boolean returnable = true;
            try {
                Tracker tracker = Tracker.resolve(connection, settings.schema(), settings.table());
                LOG.log(Level.INFO, "Lockstep run on " + DatabaseDescription.of(connection) + ": tracker "
                        + tracker.displayName() + ", " + onDisk.size() + " migration file(s), runner '" + appliedBy + "'");
                Optional<MigrationReport> upToDate = upToDateWithoutLock(connection, tracker, onDisk, startedNanos,
                        Duration.ZERO);
                if (upToDate.isPresent()) {
                    return upToDate.get();
                }
                if (poolerCheck) {
                    PoolerCheck.requireSessionPinning(connection, settings.dataSource());
                }
                original = SessionState.capture(connection, SessionState.customSettingsSetBy(onDisk));
                SessionState lockState = original.with(sessionSettings(connection));
                lockState.restore(connection);
                // lock_timeout only once the run holds the lock: it is for the migrations' statements.
                SessionState runState = lockState.with(migrationSettings());
                long key = settings.lockKey() != null ? settings.lockKey() : LockKeys.derive(tracker.displayName());
                RunLock lock = locks.apply(key);
                LockWait wait = acquire(lock, () -> stillNeeded(tracker));
                if (wait instanceof DoneByOthers done) {
                    return done.report();
                }
                holding = true;
                Throwable failure = null;
                try {
                    return migrateLocked(connection, tracker, onDisk, ((Acquired) wait).waited(), startedNanos, lock,
                            runState);
                } catch (RuntimeException | SQLException | Error e) {
                    failure = e;
                    throw e;
                } finally {
                    returnable = release(lock, connection, failure);
                }
            } finally {
                if (returnable) {
                    putBack();
                }
            }
        }

        /**
         * Between tries: leave once the holder has applied everything. The count is the cheap look;
         * the full check runs only when it could succeed.
         */
        private boolean stillNeeded(Tracker tracker) throws SQLException {
            trackerSeen = trackerSeen || tracker.exists(connection);
            if (trackerSeen && tracker.countApplied(connection) >= onDisk.size()) {
                doneByOthers = upToDateWithoutLock(connection, tracker, onDisk, startedNanos,
                        Duration.ofNanos(System.nanoTime() - waitStarted)).orElse(null);
            }
            return doneByOthers == null;
        }

        private LockWait acquire(RunLock lock, RunLock.StillNeeded stillNeeded) throws SQLException {
            try {
                Duration waited = lock.acquire(connection, stillNeeded, waitStarted);
                if (waited == null) {
                    return new DoneByOthers(doneByOthers);
                }
                listeners.lockAcquired(waited);
                return new Acquired(waited);
            } catch (LockstepException e) {
                listeners.lockFailed(Duration.ofNanos(System.nanoTime() - startedNanos), e);
                throw e;
            } catch (SQLException e) {
                if (ConnectionFailures.isConnectionLost(e, connection)
                        && System.nanoTime() - waitStarted < settings.lockTimeout().toNanos()) {
                    throw e; // waits on over a new connection
                }
                LockstepException failure = new LockstepException("Could not take the migration lock: "
                        + e.getMessage(), e);
                listeners.lockFailed(Duration.ofNanos(System.nanoTime() - startedNanos), failure);
                throw failure;
            }
        }

        /**
         * Puts the session back as it came. What cannot be put back with certainty (see
         * {@link SessionState}) makes the run discard the connection instead of returning it.
         */
        private void putBack() {
            DataSource dataSource = settings.dataSource();
            try {
                if (original != null) {
                    original.restore(connection);
                    List<String> leftovers = holding ? original.leftovers(connection) : List.of();
                    if (!leftovers.isEmpty()) {
                        LOG.log(Level.WARNING, "Discarding the migration connection instead of returning it to the "
                                + "pool: the migrations left " + String.join(", ", leftovers) + " on its session, which "
                                + "Lockstep cannot undo with certainty. The pool opens a fresh connection in its place.");
                        ConnectionFailures.discard(connection, dataSource);
                        return;
                    }
                }
                connection.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                if (!ConnectionFailures.isConnectionLost(e, connection)) {
                    LOG.log(Level.WARNING, "Could not put the session back as it came (" + e.getMessage()
                            + "); discarding the connection rather than returning it to the pool changed");
                }
                ConnectionFailures.discard(connection, dataSource);
            }
        }
    }

    /**
     * The common restart: every file already applied. Rows are only ever added, so if the tracker
     * already holds every file as applied (none half-done) there is nothing a lock could protect:
     * return without taking it. Anything else, including a missing tracker, takes the locked path.
     */
    private Optional<MigrationReport> upToDateWithoutLock(Connection connection, Tracker tracker,
            List<Migration> onDisk, long startedNanos, Duration lockWait) throws SQLException {
        if (!tracker.exists(connection)) {
            return Optional.empty();
        }
        List<AppliedRow> rows = tracker.read(connection);
        knownRows = rows;
        if (settings.baselineVersion() != null) {
            Baseline.refuseIfHistory(tracker, rows, settings.baselineVersion());
        }
        if (rows.stream().anyMatch(AppliedRow::running)) {
            return Optional.empty();
        }
        MigrationPlan plan = MigrationPlan.build(onDisk, rows, settings.versions(), settings.checksum(), tracker);
        if (!plan.pending().isEmpty()) {
            return Optional.empty();
        }
        plan.log(tracker);
        listeners.pendingResolved(List.of(), plan.alreadyApplied());
        return Optional.of(new MigrationReport(tracker.displayName(), List.of(), plan.alreadyApplied(),
                plan.missingFiles(), lockWait, Duration.ofNanos(System.nanoTime() - startedNanos)));
    }

    /**
     * What the run sets on its session: {@code application_name} (so others see who holds the lock),
     * server-side TCP keepalives (so a holder whose network dies loses its session, and with it the
     * lock, in seconds rather than hours), {@code client_connection_check_interval} (so a killed
     * runner's backend stops its statement and frees the lock within a second instead of when the
     * statement ends) and optionally {@code statement_timeout}.
     */
    private Map<String, String> sessionSettings(Connection connection) throws SQLException {
        Map<String, String> wanted = new LinkedHashMap<>(KEEPALIVES);
        wanted.put("application_name", "lockstep " + appliedBy);
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14 && checksClientConnection(connection)) {
            wanted.put("client_connection_check_interval", CLIENT_CONNECTION_CHECK);
        }
        if (settings.statementTimeout() != null) {
            wanted.put("statement_timeout", settings.statementTimeout().toMillis() + "ms");
        }
        return wanted;
    }

    /** What the migrations' statements run with on top of the run's session: lock-queue protection. */
    private Map<String, String> migrationSettings() {
        return settings.ddlLockTimeout().isZero() ? Map.of()
                : Map.of("lock_timeout", settings.ddlLockTimeout().toMillis() + "ms");
    }

    /** Only servers on platforms that report closed sockets accept a non-zero interval. */
    private static boolean checksClientConnection(Connection connection) {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT set_config('client_connection_check_interval', '" + CLIENT_CONNECTION_CHECK + "', false)");
            return true;
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "This server cannot check its client connection: " + e.getMessage());
            return false;
        }
    }

    /** A history to adopt is a history: there is nothing to baseline. */
    private void refuseBaselineOf(AdoptedHistory.Found history) {
        if (settings.baselineVersion() != null) {
            throw new LockstepConfigurationException("lockstep.baseline-version", "is " + settings.baselineVersion()
                    + ", but this database has a history in " + history.table() + ", which Lockstep adopts "
                    + "instead (" + history.rows().size() + " migration(s)). Remove lockstep.baseline-version");
        }
    }

    private MigrationReport migrateLocked(Connection connection, Tracker tracker, List<Migration> onDisk,
            Duration waited, long startedNanos, RunLock lock, SessionState runState) throws SQLException {
        if (tracker.exists(connection)) {
            tracker.upgradeIfOld(connection);
        } else {
            Optional<AdoptedHistory.Found> adopted = AdoptedHistory.read(connection, tracker, onDisk);
            if (adopted.isPresent()) {
                refuseBaselineOf(adopted.get());
                AdoptedHistory.record(connection, tracker, adopted.get());
            } else {
                tracker.create(connection);
            }
        }
        knownRows = tracker.read(connection);
        if (settings.baselineVersion() != null) {
            knownRows = Baseline.apply(connection, tracker, onDisk, knownRows, settings.baselineVersion(), appliedBy);
        }
        MigrationPlan plan = MigrationPlan.build(onDisk, knownRows, settings.versions(), settings.checksum(), tracker);
        plan.log(tracker);
        listeners.pendingResolved(plan.pending(), plan.alreadyApplied());
        if (!plan.pending().isEmpty()) {
            PendingLintWarnings.log(connection, tracker, onDisk, plan.pending());
        }
        DdlLockRetries retries = new DdlLockRetries(settings.ddlLockTimeout(), settings.ddlMaxWait());
        if (retries.enabled() && !plan.pending().isEmpty()) {
            runState.restore(connection);
        }
        try (LockWaitWatcher watcher = plan.pending().isEmpty() ? null : new LockWaitWatcher(settings.dataSource(),
                backendPid(connection), retries.lockTimeout(), listeners, settings.reportInterval())) {
            MigrationApplier applier = new MigrationApplier(tracker, appliedBy, lock, runState, retries, watcher,
                    listeners);
            return applyPending(connection, tracker, plan, applier, waited, startedNanos);
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private MigrationReport applyPending(Connection connection, Tracker tracker, MigrationPlan plan,
            MigrationApplier applier, Duration waited, long startedNanos) throws SQLException {
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
            int lockRetries;
            try {
                runHooks(migration);
                MigrationApplier.Outcome outcome = applier.apply(connection, migration);
                took = outcome.took();
                lockRetries = outcome.lockRetries();
            } catch (LockstepException e) {
                listeners.migrationFailed(migration, Duration.ofNanos(System.nanoTime() - started), e);
                throw e;
            } catch (SQLException e) {
                // Lockstep's own statements around the migration (the tracker row, most likely).
                LockstepException failure = new MigrationFailedException("Migration " + migration.file() + " failed: "
                        + e.getMessage() + " [SQLState " + e.getSQLState() + "]", migration.file(), 0, e);
                listeners.migrationFailed(migration, Duration.ofNanos(System.nanoTime() - started), failure);
                throw failure;
            }
            boolean outOfOrder = plan.outOfOrder().contains(migration);
            LOG.log(Level.INFO, "Applied migration " + index + "/" + total + " " + migration.file() + " in "
                    + took.toMillis() + " ms (" + (migration.transactional() ? "in a transaction" : "outside a transaction")
                    + (outOfOrder ? ", out of order: a higher version was already applied" : "")
                    + (migration.repeatable() ? ", repeatable: new or changed since it last ran" : "")
                    + (lockRetries > 0 ? ", after " + lockRetries + " lock_timeout retr" + (lockRetries == 1 ? "y" : "ies")
                            : "") + ")");
            listeners.migrationApplied(migration, took);
            applied.add(new AppliedMigration(migration, took, outOfOrder));
            knownRows = append(knownRows, new AppliedRow(migration.id(), migration.checksum(), RowState.APPLIED,
                    Instant.now(), took.toMillis(), appliedBy));
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
        for (MigrationHook hook : settings.hooks()) {
            if (!hook.appliesTo(migration)) {
                continue;
            }
            try {
                hook.beforeMigration(migration, settings.dataSource());
            } catch (Exception e) {
                throw new LockstepException("Hook " + hook.getClass().getName() + " failed before " + migration.file()
                        + ": " + e.getMessage() + ". The migration did not run and nothing was recorded.", e);
            }
        }
    }

    /**
     * Unlocks; on failure discards the physical connection, so a held lock never goes back into the
     * pool. When the run already failed because the connection died, that is said once, not twice.
     */
    private boolean release(RunLock lock, Connection connection, Throwable failure) {
        DataSource dataSource = settings.dataSource();
        try {
            lock.release(connection);
            return true;
        } catch (SQLException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
                LOG.log(Level.DEBUG, "Could not release the migration lock after the failure: " + e.getMessage());
            } else {
                LOG.log(Level.WARNING, "Could not release the migration lock (" + e.getMessage() + "); discarding the "
                        + "connection so the lock dies with its session instead of going back to the pool");
            }
            ConnectionFailures.discard(connection, dataSource);
            return false;
        }
    }

    /** A runner that held nothing lost its connection: it may wait on over a new one. */
    private static final class WaiterLostConnection extends Exception {
        private static final long serialVersionUID = 1L;

        WaiterLostConnection(SQLException cause) {
            super(cause);
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
