package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * Applies PostgreSQL migrations, serialized across processes.
 *
 * <pre>{@code
 * MigrationReport report = Lockstep.configure()
 *         .dataSource(dataSource)
 *         .locations("classpath:db/migrations")
 *         .load()
 *         .migrate();
 * }</pre>
 *
 * A run reads and checks every file before it opens a connection, then takes one connection for
 * lock, work and unlock (the package overview maps the steps). Safe to call from many processes at
 * once: each migration is applied exactly once.
 */
public final class Lockstep {

    private static final System.Logger LOG = System.getLogger(Lockstep.class.getName());

    private final LockstepSettings settings;
    private final MigrationLoader loader;
    private final Listeners listeners;
    private final LongFunction<RunLock> locks;
    private final RunProgress progress;
    private final AtomicReference<MigrationRun> activeRun;
    private final boolean poolerCheck;

    Lockstep(LockstepSettings settings) {
        this.settings = settings;
        this.loader = new MigrationLoader(new MigrationScanner(settings.classLoader()), settings.versions());
        this.progress = new RunProgress();
        this.activeRun = new AtomicReference<>();
        List<LockstepListener> all = new ArrayList<>();
        all.add(progress);
        all.addAll(settings.listeners());
        this.listeners = new Listeners(all);
        this.locks = key -> new AdvisoryLock(key, settings.lockTimeout(), settings.reportInterval(), listeners);
        this.poolerCheck = true;
    }

    private Lockstep(Lockstep engine, LongFunction<RunLock> locks, boolean poolerCheck) {
        this.settings = engine.settings;
        this.loader = engine.loader;
        this.listeners = engine.listeners;
        this.progress = engine.progress;
        this.activeRun = engine.activeRun;
        this.locks = locks;
        this.poolerCheck = poolerCheck;
    }

    public static LockstepConfiguration configure() {
        return new LockstepConfiguration();
    }

    /**
     * Reads and checks the migration files without touching the database.
     *
     * @throws MigrationFileException listing every bad file
     */
    public List<Migration> scan() {
        return loader.load(settings.locations());
    }

    /**
     * Every migration on disk or in the tracker with its state, read without taking the lock and
     * without changing anything (the tracker is not created if missing). While this engine runs
     * {@link #migrate()}, it answers without a connection, from the tracker as the run read it plus
     * what the run applied since, so it never waits for a connection the run holds.
     */
    public List<MigrationInfo> info() {
        List<Migration> onDisk = scan();
        MigrationRun running = activeRun.get();
        if (running != null) {
            // The run holds a connection, maybe the pool's last one: answer from what it knows.
            return MigrationInventory.of(onDisk, running.knownRows(), settings.versions());
        }
        try (Connection connection = settings.dataSource().getConnection()) {
            Tracker tracker = Tracker.resolve(connection, settings.schema(), settings.table());
            return MigrationInventory.of(onDisk, KnownRows.read(connection, tracker, onDisk).rows(), settings.versions());
        } catch (SQLException e) {
            throw new LockstepException("Could not read the tracker: " + e.getMessage(), e);
        }
    }

    /**
     * Applies every pending migration, waiting for other runners first.
     *
     * @throws LockstepException (or a subclass) when a file, the tracker, the lock or a migration
     *     stops the run; the message says what and how to fix it
     */
    public MigrationReport migrate() {
        long started = System.nanoTime();
        try {
            List<Migration> onDisk = scan();
            listeners.runStarted(onDisk);
            MigrationRun run = new MigrationRun(settings, listeners, locks, poolerCheck);
            activeRun.set(run);
            MigrationReport report;
            try {
                report = run.execute(onDisk, started);
            } finally {
                activeRun.compareAndSet(run, null);
            }
            logSummary(report);
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
     * Checks the files against the tracker and writes nothing (no tracker is created, no lock is
     * taken): for read-only replicas and CI gates ({@code lockstep.mode=validate}). Reported to
     * listeners as a run, so health shows its outcome.
     *
     * @throws ValidationException when migrations are pending
     * @throws LockstepException when the tracker does not match the files (an interrupted
     *     migration, a renamed file, an edited one under {@code checksum=fail}), as migrate would
     */
    public MigrationReport validate() {
        long started = System.nanoTime();
        try {
            List<Migration> onDisk = scan();
            listeners.runStarted(onDisk);
            TrackerState state = readTracker(onDisk);
            MigrationPlan plan = state.plan();
            listeners.pendingResolved(plan.pending(), plan.alreadyApplied());
            plan.log(state.tracker());
            if (!plan.pending().isEmpty()) {
                throw new ValidationException("Validation failed: " + plan.pending().size() + " migration(s) on disk "
                        + "are not applied in " + state.tracker().displayName() + state.absence() + ": "
                        + plan.pending().stream()
                                .map(m -> m.file() + (plan.outOfOrder().contains(m) ? " (out of order)"
                                        : m.repeatable() ? " (repeatable, changed since it last ran)" : ""))
                                .collect(Collectors.joining(", "))
                        + ". Nothing was written. Apply them first: migrate (lockstep.mode=migrate, the default, or "
                        + "lockstep-cli migrate).");
            }
            MigrationReport report = new MigrationReport(state.tracker().displayName(), List.of(),
                    plan.alreadyApplied(), plan.missingFiles(), Duration.ZERO,
                    Duration.ofNanos(System.nanoTime() - started));
            LOG.log(Level.INFO, "Validated " + report.alreadyApplied() + " applied migration(s) in " + report.tracker()
                    + " against the files: nothing pending, nothing changed (" + report.total().toMillis() + " ms)");
            listeners.runFinished(report);
            return report;
        } catch (LockstepException e) {
            listeners.runFailed(e, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
    }

    /**
     * What {@link #migrate()} would run now, with each migration's statements and the lint's
     * findings, found without writing anything and without the lock ({@code lockstep.mode=preview}).
     *
     * @throws LockstepException when the tracker does not match the files, as migrate would
     */
    public MigrationPreview preview() {
        List<Migration> onDisk = scan();
        TrackerState state = readTracker(onDisk);
        MigrationPlan plan = state.plan();
        List<MigrationPreview.Pending> pending = new ArrayList<>();
        for (Migration migration : plan.pending()) {
            List<String> statements = new ArrayList<>();
            int count = 0;
            for (Iterator<SqlStatement> it = migration.openStatements(); it.hasNext();) {
                SqlStatement statement = it.next();
                if (count++ < MigrationPreview.STATEMENTS_SHOWN) {
                    String oneLine = statement.text().replaceAll("\\s+", " ").strip();
                    statements.add("line " + statement.line() + ": "
                            + (oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + " ..."));
                }
            }
            pending.add(new MigrationPreview.Pending(migration.file(), migration.transactional(),
                    plan.outOfOrder().contains(migration), statements, count));
        }
        return new MigrationPreview(state.tracker().displayName(), plan.alreadyApplied(), pending,
                MigrationLint.checkPending(onDisk, plan.pending()));
    }

    /**
     * The tracker's rows; while it does not exist, the rows {@code migrate()} would adopt from
     * Flyway's or golang-migrate's history, if the database has one.
     *
     * @param absence {@code ""} when the tracker exists, else what messages say about it
     */
    private record KnownRows(List<AppliedRow> rows, String absence) {

        static KnownRows read(Connection connection, Tracker tracker, List<Migration> onDisk) throws SQLException {
            if (tracker.exists(connection)) {
                return new KnownRows(tracker.read(connection), "");
            }
            return AdoptedHistory.read(connection, tracker, onDisk)
                    .map(found -> new KnownRows(found.rows(), " (the tracker does not exist yet: migrate adopts "
                            + found.table() + ")"))
                    .orElse(new KnownRows(List.of(), " (the tracker does not exist)"));
        }
    }

    /** The tracker as it is, read on a connection of its own without the lock; nothing is created. */
    private record TrackerState(Tracker tracker, String absence, MigrationPlan plan) {
    }

    private TrackerState readTracker(List<Migration> onDisk) {
        try (Connection connection = settings.dataSource().getConnection()) {
            Tracker tracker = Tracker.resolve(connection, settings.schema(), settings.table());
            KnownRows known = KnownRows.read(connection, tracker, onDisk);
            List<AppliedRow> rows = known.rows();
            if (rows.isEmpty() && settings.baselineVersion() != null) {
                // What the baseline would record, so that only the files after it show as pending.
                rows = onDisk.stream().filter(m -> Baseline.isBaselined(m, settings.baselineVersion()))
                        .map(m -> new AppliedRow(m.id(), m.checksum(), RowState.APPLIED, Instant.now(), null,
                                Baseline.MARK + settings.baselineVersion() + ")"))
                        .toList();
            }
            return new TrackerState(tracker, known.absence(),
                    MigrationPlan.build(onDisk, rows, settings.versions(), settings.checksum(), tracker));
        } catch (SQLException e) {
            throw new LockstepException("Could not read the tracker: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]", e);
        }
    }

    /**
     * Checks that {@code action} fits the tracker row of migration {@code version} ({@code name}
     * may be null when the version has one row) and returns the SQL it would run, changing nothing.
     *
     * @throws LockstepException saying why the action does not fit (e.g. the migration is not interrupted)
     */
    public String planRepair(RepairAction action, MigrationVersion version, String name) {
        return TrackerRepair.plan(settings, scan(), action, version, name);
    }

    /**
     * Does {@code action} on the tracker after the checks of {@link #planRepair}, under the
     * migration lock taken without waiting (refused while another runner holds it); returns the SQL run.
     */
    public String repair(RepairAction action, MigrationVersion version, String name) {
        return TrackerRepair.apply(settings, scan(), action, version, name);
    }

    /** Where this engine's latest run stands, whoever built the engine; safe from any thread. */
    public RunProgress.Snapshot progress() {
        return progress.snapshot();
    }

    /**
     * Adds a listener to an engine already built, for frameworks that create listeners after the
     * engine (metrics, for one). Listeners given to the configuration come first; a listener
     * already added is not added twice.
     */
    public void addListener(LockstepListener listener) {
        listeners.add(listener);
    }

    /**
     * The same engine with another lock, given the run's lock key. Exists so tests can prove that
     * their concurrency checks fail when the advisory lock is replaced by a no-op or a blocking lock.
     */
    Lockstep withLocks(LongFunction<RunLock> otherLocks) {
        return new Lockstep(this, otherLocks, poolerCheck);
    }

    /** The same engine without the pooler check, so tests can show what the fence does on its own. */
    Lockstep withoutPoolerCheck() {
        return new Lockstep(this, locks, false);
    }

    private static void logSummary(MigrationReport report) {
        if (report.applied().isEmpty()) {
            LOG.log(Level.INFO, "Schema is up to date: " + report.alreadyApplied() + " migration(s) already applied in "
                    + report.tracker() + ", nothing to apply (" + report.total().toMillis() + " ms)");
        } else {
            LOG.log(Level.INFO, "Applied " + report.applied().size() + " migration(s) to " + report.tracker()
                    + (report.outOfOrder().isEmpty() ? "" : ", " + report.outOfOrder().size() + " out of order")
                    + ", in " + report.total().toMillis() + " ms (lock wait " + report.lockWait().toMillis() + " ms)");
        }
    }
}
