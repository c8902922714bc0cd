package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.AppliedMigration;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationReport;
import dev.lockstep.core.internal.drift.StoredSchema;
import dev.lockstep.core.internal.jobs.JobCreation;
import dev.lockstep.core.internal.expand.ExpansionTable;
import dev.lockstep.core.internal.jobs.JobTable;
import dev.lockstep.core.internal.files.DownMigration;
import dev.lockstep.core.internal.files.IndexSummary;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationId;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.lock.LockAcquisition;
import dev.lockstep.core.internal.lock.RunLock;
import dev.lockstep.core.internal.plan.MigrationPlan;
import dev.lockstep.core.internal.session.ConnectionFailures;
import dev.lockstep.core.internal.session.Connector;
import dev.lockstep.core.internal.session.DatabaseDescription;
import dev.lockstep.core.internal.session.PinnedSession;
import dev.lockstep.core.internal.session.SessionState;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Tracker;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code migrate()}: one run on one pinned connection, in phases.
 * <ol>
 *   <li>Connect ({@link Connector}, with retries) and pin the session ({@link PinnedSession}).</li>
 *   <li>Resolve the tracker's schema once. If the tracker already records every file as applied
 *       ({@link UpToDateCheck}), return: a restart with nothing to do takes no lock and changes no
 *       setting.</li>
 *   <li>Refuse a read-only server ({@link RunTarget#requireWritable}). Check that the connection is a session of its own, name the session and set what the run
 *       needs on it, then wait for the lock ({@link RunLock}); between tries, leave as soon as another
 *       runner has applied everything. A runner that loses its connection while it holds nothing
 *       waits on over a new one.</li>
 *   <li>Make the tracker ready ({@link TrackerSetup}: create, upgrade, adopt, baseline), plan
 *       ({@link MigrationPlan}) and apply ({@link ApplyPhase}), each recorded inside the lock.</li>
 *   <li>Release the lock on the same connection; if that fails, discard the physical connection,
 *       so a held lock can never go back into the pool. Put the session back as it came.</li>
 * </ol>
 */
public final class MigrateCommand {

    private static final System.Logger LOG = System.getLogger(MigrateCommand.class.getName());

    private final Engine engine;
    private final RunSettings settings;
    private final Listeners listeners;
    private final String runner;
    /** The tracker rows as this run last read them plus what it applied since, for info() during a run. */
    private volatile List<AppliedRow> knownRows = List.of();

    public MigrateCommand(Engine engine) {
        this.engine = engine;
        this.settings = engine.settings();
        this.listeners = engine.listeners();
        this.runner = engine.runner();
    }

    /**
     * Applies every pending migration, waiting for other runners first.
     *
     * @throws LockstepException (or a subclass) when a file, the tracker, the lock or a migration
     *     stops the run; the message says what and how to fix it
     */
    public MigrationReport run() {
        long started = System.nanoTime();
        try {
            Optional<IndexSummary> indexed = engine.files().indexSummary();
            FilesOnDisk onDisk = new FilesOnDisk();
            if (indexed.isEmpty()) {
                onDisk.files(); // read and checked before any connection: a bad file fails the run here
            }
            listeners.runStarted(onDisk.asList());
            MigrationReport report = connectAndRun(onDisk, indexed, started);
            listeners.runFinished(report);
            return report;
        } catch (LockstepException e) {
            listeners.runFailed(e, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        } catch (SQLException e) {
            LockstepException failure = new LockstepException("Lockstep could not migrate: " + e.getMessage()
                    + " [SQLState " + e.getSQLState() + "]", e);
            listeners.runFailed(failure, Duration.ofNanos(System.nanoTime() - started));
            throw failure;
        }
    }

    /**
     * What migrations run with, set once the lock is held: {@code lock_timeout} for their
     * statements, and a tenant's schema (or {@code lockstep.schema}) first in {@code search_path}, so
     * their unqualified names land there.
     */
    private Map<String, String> runSettings(Connection connection) throws SQLException {
        Map<String, String> wanted = new java.util.LinkedHashMap<>();
        if (!settings.get(LockstepSettings.DDL_LOCK_TIMEOUT).isZero()) {
            wanted.put("lock_timeout", settings.get(LockstepSettings.DDL_LOCK_TIMEOUT).toMillis() + "ms");
        }
        wanted.putAll(engine.target().sessionSettings(connection));
        return wanted;
    }

    /** What this run knows of the tracker without a query: rows it read, plus what it applied since. */
    public List<AppliedRow> knownRows() {
        return knownRows;
    }

    /**
     * When this run first asked for the lock: the wait it reports counts from here, not from the
     * work before (the pending files are read and analysed first, which takes seconds for
     * thousands), and a waiter that reconnects goes on counting from it.
     */
    private Long lockRequested;

    /**
     * The files, read the first time they are needed: with a build's index that lists them
     * ({@link IndexSummary}), a run that finds the tracker holding exactly what the index lists
     * reads none, and a listener that looks at them reads them then.
     */
    private final class FilesOnDisk {
        private List<LoadedMigration> files;

        synchronized List<LoadedMigration> files() {
            if (files == null) {
                files = engine.scan();
            }
            return files;
        }

        List<Migration> asList() {
            return new AbstractList<>() {
                @Override
                public Migration get(int index) {
                    return files().get(index);
                }

                @Override
                public int size() {
                    return files().size();
                }
            };
        }
    }

    private MigrationReport connectAndRun(FilesOnDisk onDisk, Optional<IndexSummary> indexed, long startedNanos)
            throws SQLException {
        Connector connector = engine.connector();
        Connection connection = connector.connect();
        long waitStarted = System.nanoTime();
        int reconnects = 0;
        while (true) {
            try (Connection current = connection) {
                return attempt(current, onDisk, indexed, startedNanos, waitStarted);
            } catch (WaiterLostConnection lost) {
                // Held nothing: wait on over a new connection, within the lock timeout.
                long deadline = waitStarted + settings.get(LockstepSettings.LOCK_TIMEOUT).toNanos();
                reconnects++;
                LOG.log(Level.WARNING, "Lost the connection to PostgreSQL while waiting for the migration lock ("
                        + lost.getCause().getMessage() + " [SQLState " + lost.failure().getSQLState()
                        + "]); this runner held nothing and reconnects to wait on (reconnect " + reconnects + ")");
                connection = connector.reconnect(deadline, lost.getCause());
            }
        }
    }

    /**
     * One attempt on one connection. A connection that dies before this run holds the lock ends the
     * attempt with {@link WaiterLostConnection}, so the run can wait on over a new one.
     */
    private MigrationReport attempt(Connection connection, FilesOnDisk onDisk, Optional<IndexSummary> indexed,
            long startedNanos, long waitStarted) throws SQLException, WaiterLostConnection {
        Attempt attempt = new Attempt(connection, onDisk, indexed, startedNanos, waitStarted);
        try {
            return attempt.run();
        } catch (SQLException e) {
            if (!attempt.holding && stillWaiting(e, connection, waitStarted)) {
                throw new WaiterLostConnection(e);
            }
            throw e;
        }
    }

    private boolean stillWaiting(SQLException e, Connection connection, long waitStarted) {
        return ConnectionFailures.isConnectionLost(e, connection)
                && System.nanoTime() - waitStarted < settings.get(LockstepSettings.LOCK_TIMEOUT).toNanos();
    }

    /** One connection's part of the run, from pinning the session to putting it back. */
    private final class Attempt {
        private final Connection connection;
        private final FilesOnDisk filesOnDisk;
        private final Optional<IndexSummary> indexed;
        /** The files, once the run needs them. */
        private List<LoadedMigration> onDisk;
        private final long startedNanos;
        private final long waitStarted;
        private PinnedSession session;
        private UpToDateCheck upToDate;
        private boolean holding;

        Attempt(Connection connection, FilesOnDisk onDisk, Optional<IndexSummary> indexed, long startedNanos,
                long waitStarted) {
            this.connection = connection;
            this.filesOnDisk = onDisk;
            this.indexed = indexed;
            this.startedNanos = startedNanos;
            this.waitStarted = waitStarted;
        }

        MigrationReport run() throws SQLException {
            session = PinnedSession.pin(connection, engine.target().dataSource());
            try {
                Tracker tracker = engine.target().tracker(connection);
                int files = indexed.map(IndexSummary::migrations).orElseGet(() -> filesOnDisk.files().size());
                LOG.log(settings.routine(), "Lockstep run on " + DatabaseDescription.of(connection) + ": tracker "
                        + tracker.displayName() + ", " + files + " migration file(s), runner '" + runner + "'");
                if (indexed.isPresent()) {
                    Optional<MigrationReport> asIndexed = UpToDateCheck.asIndexed(engine, connection, tracker,
                            indexed.get(), startedNanos);
                    if (asIndexed.isPresent()) {
                        return asIndexed.get();
                    }
                }
                onDisk = filesOnDisk.files();
                upToDate = new UpToDateCheck(engine, connection, tracker, onDisk, rows -> knownRows = rows);
                Optional<MigrationReport> nothingToDo = upToDate.check(Duration.ZERO, startedNanos);
                if (nothingToDo.isPresent()) {
                    return nothingToDo.get();
                }
                engine.target().requireWritable(connection, "migrate");
                engine.parts().sessionPinning().require(connection, engine.target().dataSource());
                SessionState lockState = session.configure("lockstep " + runner, settings.find(LockstepSettings.STATEMENT_TIMEOUT),
                        SessionState.customSettingsSetBy(upToDate.mayRun()));
                // lock_timeout only once the run holds the lock: it is for the migrations' statements.
                SessionState runState = lockState.with(runSettings(connection));
                LockAcquisition<MigrationReport> acquisition = acquire(tracker);
                if (acquisition instanceof LockAcquisition.NotNeeded<MigrationReport> notNeeded) {
                    return notNeeded.doneByOthers();
                }
                LockAcquisition.Held<MigrationReport> held = (LockAcquisition.Held<MigrationReport>) acquisition;
                holding = true;
                session.migrationsRun();
                return migrateHolding(tracker, held, runState);
            } finally {
                session.putBack();
            }
        }

        private LockAcquisition<MigrationReport> acquire(Tracker tracker) throws SQLException {
            if (lockRequested == null) {
                lockRequested = System.nanoTime();
            }
            long requested = lockRequested;
            long key = engine.target().lockKey(tracker);
            RunLock lock = engine.parts().locks().create(key, settings.get(LockstepSettings.LOCK_TIMEOUT), settings.get(LockstepSettings.LOCK_REPORT_INTERVAL),
                    listeners);
            try {
                LockAcquisition<MigrationReport> acquisition = lock.acquire(connection,
                        () -> upToDate.checkWhileWaiting(requested, startedNanos), requested);
                if (acquisition instanceof LockAcquisition.Held<MigrationReport> held) {
                    listeners.lockAcquired(held.waited());
                } else {
                    listeners.lockNotNeeded(Duration.ofNanos(System.nanoTime() - requested));
                }
                return acquisition;
            } catch (LockstepException e) {
                listeners.lockFailed(Duration.ofNanos(System.nanoTime() - startedNanos), e);
                throw e;
            } catch (SQLException e) {
                if (stillWaiting(e, connection, requested)) {
                    throw e; // waits on over a new connection
                }
                LockstepException failure = new LockstepException("Could not take the migration lock: "
                        + e.getMessage(), e);
                listeners.lockFailed(Duration.ofNanos(System.nanoTime() - startedNanos), failure);
                throw failure;
            }
        }

        /**
         * INVALID indexes in the tracker's schema or named by an interrupted migration, with the statement
         * that drops each: an interrupted concurrent build or drop leaves them (or a build runs right now).
         */
        private void warnAbout(List<InvalidIndexes.Found> invalid, MigrationPlan plan, Tracker tracker) {
            if (invalid.isEmpty()) {
                return;
            }
            LOG.log(Level.WARNING, invalid.size() + " INVALID index(es) in schema " + tracker.schema()
                    + (plan.resumed().isEmpty() ? "" : " or left by an interrupted migration") + ": they take "
                    + "every write's cost and serve no query. An interrupted CREATE INDEX CONCURRENTLY or DROP INDEX "
                    + "CONCURRENTLY leaves them (or a build is running right now). "
                    + (plan.resumed().isEmpty() ? "Drop each " : "The interrupted migration(s) this run finishes drop "
                            + "those they left; drop any other ") + "once nothing builds it: "
                    + invalid.stream().map(InvalidIndexes.Found::describe).collect(Collectors.joining("; ")));
        }

        /** Under the lock: the tracker, the plan, the migrations; then the lock released, whatever happened. */
        private MigrationReport migrateHolding(Tracker tracker, LockAcquisition.Held<MigrationReport> held,
                SessionState runState) throws SQLException {
            Throwable failure = null;
            try {
                knownRows = TrackerSetup.prepare(connection, tracker, onDisk, settings.baselineVersion(), runner);
                knownRows = finishInterruptedUndos(tracker, held.lock(), runState, knownRows);
                List<InvalidIndexes.Found> invalid = InvalidIndexes.toReport(connection, tracker.schema(),
                        interrupted(knownRows));
                MigrationPlan plan = MigrationPlan.build(onDisk, knownRows, settings.get(LockstepSettings.VERSIONS), settings.get(LockstepSettings.CHECKSUM),
                        tracker, invalid.stream().map(InvalidIndexes.Found::describe).toList());
                LoadedMigration.analyse(plan.pending());
                warnAbout(invalid, plan, tracker);
                plan.log(tracker);
                listeners.pendingResolved(Collections.unmodifiableList(plan.pending()), plan.alreadyApplied());
                List<AppliedMigration> applied = List.of();
                if (!plan.pending().isEmpty()) {
                    // The schema before and after, so the snapshot stored for drift changes by this run's work alone.
                    Optional<StoredSchema> stored = settings.get(LockstepSettings.DRIFT_STORE_SNAPSHOT)
                            ? StoredSchema.before(connection, tracker, engine.target().table()) : Optional.empty();
                    applied = applyPending(tracker, plan, held.lock(), runState);
                    stored.ifPresent(schema -> schema.store(connection, tracker, engine.target().table(), runner));
                }
                return new MigrationReport(tracker.displayName(), applied, plan.alreadyApplied(), plan.missingFiles(),
                        held.waited(), Duration.ofNanos(System.nanoTime() - startedNanos));
            } catch (RuntimeException | SQLException | Error e) {
                failure = e;
                throw e;
            } finally {
                release(held.lock(), failure);
            }
        }

        /**
         * Finishes the interrupted undos ({@code undoing} rows) whose downs are all concurrent index
         * drops, as an interrupted build is finished: a drop whose index is gone is done, the others
         * run again. Any other interrupted undo is left for the plan, which stops the run naming it.
         *
         * @return the rows as they are now
         */
        private List<AppliedRow> finishInterruptedUndos(Tracker tracker, HeldLock lock, SessionState runState,
                List<AppliedRow> rows) throws SQLException {
            List<AppliedRow> undoing = rows.stream().filter(AppliedRow::undoing).toList();
            if (undoing.isEmpty()) {
                return rows;
            }
            Map<MigrationId, Tracker.StoredDown> stored = tracker.storedDowns(connection);
            boolean finished = false;
            for (AppliedRow row : undoing) {
                Optional<UndoCommand.Step> step = UndoCommand.Step.of(row, stored, onDisk);
                if (step.isEmpty() || step.get().down().refusal().isPresent()
                        || !step.get().down().facts().resumable()) {
                    continue;
                }
                if (!finished) {
                    runState.restore(connection); // the drops find unqualified names where the ups put them
                }
                DownMigration down = step.get().down();
                LOG.log(Level.WARNING, "The undo of " + row.id() + " was interrupted (its row says 'undoing'); every "
                        + "statement of its down " + down.file() + " is a concurrent index drop, so this run finishes it");
                String markUndone = runState.restoreSql(down.facts().sessionEffects()).map(sql -> sql + ";\n")
                        .orElse("") + tracker.markUndoneSql(row.id(), runner);
                new DownOutsideTransaction(connection, tracker, lock).run(row, down, markUndone, runner);
                finished = true;
            }
            return finished ? tracker.read(connection) : rows;
        }

        /** The files of the migrations whose rows say {@code running}. */
        private List<LoadedMigration> interrupted(List<AppliedRow> rows) {
            var running = rows.stream().filter(AppliedRow::running).map(AppliedRow::id).collect(Collectors.toSet());
            return onDisk.stream().filter(m -> running.contains(m.id())).toList();
        }

        private List<AppliedMigration> applyPending(Tracker tracker, MigrationPlan plan, HeldLock lock,
                SessionState runState) throws SQLException {
            runState.restore(connection); // first: the lint looks tables up on the run's search_path
            PendingLintWarnings.log(connection, tracker, onDisk, plan.pending());
            try (LockWaitWatcher watcher = new LockWaitWatcher(engine.target().dataSource(), backendPid(),
                    settings.get(LockstepSettings.DDL_LOCK_TIMEOUT), listeners, settings.get(LockstepSettings.LOCK_REPORT_INTERVAL))) {
                LockTimeoutRetries retries = new LockTimeoutRetries(settings.get(LockstepSettings.DDL_LOCK_TIMEOUT), settings.get(LockstepSettings.DDL_MAX_WAIT),
                        watcher, listeners);
                JobTable jobs = new JobTable(tracker, engine.target().table(), engine.target().lockKey(tracker));
                ExpansionTable expansions = new ExpansionTable(tracker, engine.target().table());
                MigrationApplier applier = new MigrationApplier(tracker, runner, lock, runState, retries,
                        engine.connector(), new JobCreation(jobs, settings.get(LockstepSettings.JOBS_BATCH_SIZE),
                                settings.classLoader()), expansions,
                        engine.target().searchPath().map(path -> "an expand/contract migration cannot run in a "
                                + "schema-per-tenant fleet: its version schemas (lockstep_v<version>) belong to the "
                                + "database, which the tenants' schemas share, and each tenant's application sets its "
                                + "own search_path. Expand and contract by hand in this fleet, or give each tenant a "
                                + "database of its own"), !expansions.expanded(connection).isEmpty());
                return new ApplyPhase(settings, listeners, applier, watcher, this::recorded,
                        new RequiredJobs(engine, jobs, connection)).apply(connection, plan, runner);
            }
        }

        private void recorded(AppliedRow row) {
            List<AppliedRow> more = new ArrayList<>(knownRows);
            more.add(row);
            knownRows = List.copyOf(more);
        }

        private int backendPid() throws SQLException {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            }
        }

        /**
         * Unlocks; on failure discards the physical connection, so a held lock never goes back into the
         * pool. When the run already failed because the connection died, that is said once, not twice.
         */
        private void release(HeldLock lock, Throwable failure) {
            try {
                lock.close();
            } catch (SQLException | RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                    LOG.log(Level.DEBUG, "Could not release the migration lock after the failure: " + e.getMessage());
                } else {
                    LOG.log(Level.WARNING, "Could not release the migration lock (" + e.getMessage() + "); discarding "
                            + "the connection so the lock dies with its session instead of going back to the pool");
                }
                session.discard();
            }
        }
    }

    /** A runner that held nothing lost its connection: it may wait on over a new one. */
    private static final class WaiterLostConnection extends Exception {
        private static final long serialVersionUID = 1L;

        WaiterLostConnection(SQLException cause) {
            super(cause);
        }

        SQLException failure() {
            return (SQLException) getCause();
        }
    }
}
