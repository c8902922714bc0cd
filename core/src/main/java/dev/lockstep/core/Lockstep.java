package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

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
            List<AppliedRow> rows = tracker.exists(connection) ? tracker.read(connection) : List.of();
            return MigrationInventory.of(onDisk, rows, settings.versions());
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
