package dev.lockstep.core;

import java.util.Comparator;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.jobs.JobAction;
import dev.lockstep.core.internal.lint.LintCheck;
import dev.lockstep.core.internal.plan.MigrationInventory;
import dev.lockstep.core.internal.run.DriftCommand;
import dev.lockstep.core.internal.run.Engine;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.run.InfoCommand;
import dev.lockstep.core.internal.run.ContractCommand;
import dev.lockstep.core.internal.run.JobsCommand;
import dev.lockstep.core.internal.run.Listeners;
import dev.lockstep.core.internal.run.MigrateCommand;
import dev.lockstep.core.internal.run.PreviewCommand;
import dev.lockstep.core.internal.run.RepairCommand;
import dev.lockstep.core.internal.run.RoundTripCommand;
import dev.lockstep.core.internal.run.RunSettings;
import dev.lockstep.core.internal.run.UndoCommand;
import dev.lockstep.core.internal.run.ValidateCommand;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

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
 * once: each migration is applied exactly once. Each operation is a command of its own over the
 * same files and the same classification of files against the tracker: {@link #migrate()},
 * {@link #validate()}, {@link #preview()}, {@link #info()}, {@link #repair}, {@link #drift()}.
 */
public final class Lockstep {

    private static final System.Logger LOG = System.getLogger(Lockstep.class.getName());

    private final Engine engine;
    private final RunProgress progress;
    private final AtomicReference<MigrateCommand> activeRun = new AtomicReference<>();

    /** @param parts how runs serialize; {@link EngineParts#STANDARD} but in Lockstep's own tests */
    Lockstep(RunSettings settings, EngineParts parts) {
        this(settings, parts, null);
    }

    /** @param files a fleet's files, read once for all its tenants; null: the settings' locations, read per run */
    Lockstep(RunSettings settings, EngineParts parts, Engine.Files files) {
        this.progress = new RunProgress();
        List<LockstepListener> all = new ArrayList<>();
        all.add(progress);
        all.addAll(settings.listeners());
        Engine standard = new Engine(settings, parts, new Listeners(all));
        this.engine = files == null ? standard : new Engine(settings, parts, standard.listeners(), files);
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
        return Collections.unmodifiableList(engine.scan());
    }

    /**
     * The release these files make: the newest versioned migration among them, read without touching
     * the database; empty when there is none. What {@link ReleasePinning#sql} pins connections to.
     *
     * @throws MigrationFileException listing every bad file
     */
    public Optional<MigrationVersion> release() {
        return engine.scan().stream().map(LoadedMigration::version).filter(version -> !version.repeatable())
                .max(Comparator.naturalOrder());
    }

    /**
     * Every migration on disk or in the tracker with its state, read without taking the lock and
     * without changing anything (the tracker is not created if missing). While this engine runs
     * {@link #migrate()}, it answers without a connection, from the tracker as the run read it plus
     * what the run applied since, so it never waits for a connection the run holds.
     */
    public List<MigrationInfo> info() {
        List<LoadedMigration> onDisk = engine.scan();
        MigrateCommand running = activeRun.get();
        if (running != null) {
            // The run holds a connection, maybe the pool's last one: answer from what it knows.
            return MigrationInventory.of(onDisk, running.knownRows(), engine.settings().get(LockstepSettings.VERSIONS));
        }
        return new InfoCommand(engine).run(onDisk);
    }

    /**
     * Applies every pending migration, waiting for other runners first.
     *
     * @throws LockstepException (or a subclass) when a file, the tracker, the lock or a migration
     *     stops the run; the message says what and how to fix it
     */
    public MigrationReport migrate() {
        MigrateCommand run = new MigrateCommand(engine);
        activeRun.set(run);
        try {
            MigrationReport report = run.run();
            logSummary(report);
            return report;
        } finally {
            activeRun.compareAndSet(run, null);
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
        return new ValidateCommand(engine).run();
    }

    /**
     * What {@link #migrate()} would run now, with each migration's statements and the lint's
     * findings, found without writing anything and without the lock ({@code lockstep.mode=preview}).
     *
     * @throws LockstepException when the tracker does not match the files, as migrate would
     */
    public MigrationPreview preview() {
        return new PreviewCommand(engine).run();
    }

    /**
     * The risky statements ({@link LintRule}) of the migrations {@code reported} picks, in order,
     * then what their down files would lose ({@code drop-table}, {@code drop-column}), without those a
     * file accepts with {@code -- lockstep:lint-ignore=}. Every migration before
     * them is read too, so what an earlier one did counts. Reads the files; opens no connection.
     */
    public List<LintFinding> lint(Predicate<? super Migration> reported) {
        List<dev.lockstep.core.internal.files.LoadedMigration> onDisk = engine.scan();
        List<LintFinding> findings = new ArrayList<>(LintCheck.findings(onDisk, reported::test));
        findings.addAll(LintCheck.downFindings(onDisk.stream().filter(reported::test).toList()));
        return findings;
    }

    /**
     * Checks that {@code action} fits the tracker row of migration {@code version} ({@code name}
     * may be null when the version has one row) and returns the SQL it would run, changing nothing.
     *
     * @throws LockstepException saying why the action does not fit (e.g. the migration is not interrupted)
     */
    public String planRepair(RepairAction action, MigrationVersion version, String name) {
        return new RepairCommand(engine, action, version, Optional.ofNullable(name)).plan();
    }

    /**
     * Does {@code action} on the tracker after the checks of {@link #planRepair}, under the
     * migration lock taken without waiting (refused while another runner holds it); returns the SQL run.
     */
    public String repair(RepairAction action, MigrationVersion version, String name) {
        return new RepairCommand(engine, action, version, Optional.ofNullable(name)).apply();
    }

    /**
     * What {@link #undo} would run for {@code target}: each migration's down SQL, highest version
     * first. Reads the tracker without the lock and writes nothing.
     *
     * @throws LockstepException when a chosen migration has no down SQL, or one is interrupted
     */
    public UndoPlan planUndo(UndoTarget target) {
        return new UndoCommand(engine, target).plan();
    }

    /**
     * Undoes applied migrations: waits for the migration lock, runs each down (in its own
     * transaction where it can), marks each row {@code undone}. Never run at startup: a rolling
     * deploy's old pods would revert the schema under the new ones. With {@code confirmed} (the
     * plan a person saw), nothing runs if the tracker asks for something else by the time the lock
     * is held.
     *
     * @return what was undone
     */
    public UndoPlan undo(UndoTarget target, UndoPlan confirmed) {
        return new UndoCommand(engine, target).run(Optional.ofNullable(confirmed));
    }

    /**
     * For test suites, on a database that has none of the migrations (a fresh clone, never
     * production): runs each up, and each down after it, checking that the down brings the catalog
     * back to what it was before the up ({@link CatalogSnapshot}); records nothing.
     *
     * @return one round trip per migration with a down, in order, up to the first that failed (it lists
     *     the differences; the later ones are not checked)
     */
    public List<RoundTrip> roundTrips() {
        return new RoundTripCommand(engine).run();
    }

    /**
     * How the live schema (the tracker's schema) differs from what the applied migrations make: an
     * index added by hand, a column altered on production only, a schema restored from an old dump.
     * Compared with a replay of the applied migrations on a scratch database or with the snapshot the
     * runs stored beside the tracker ({@code lockstep.drift.compare-with}); objects matching
     * {@code lockstep.drift.ignore} and extensions' objects are left out. Takes no lock and writes
     * nothing in the live database.
     *
     * @throws LockstepException when there is nothing to compare with: no tracker, an interrupted
     *     migration, an applied file missing or changed (replay), no current snapshot (snapshot)
     */
    public Drift drift() {
        return new DriftCommand(engine).run();
    }

    /**
     * The jobs of the batched migrations applied here ({@code -- lockstep:batched}), oldest version
     * first: state, progress, rate, and the session running each now. Takes no lock and writes nothing.
     */
    public List<BatchedJob> jobs() {
        return new JobsCommand(engine).list();
    }

    /**
     * Runs the batches of every job that may run (pending or running) and that no other process
     * runs, each under its own lock, one job after another, each to its end: finished, failed, or
     * paused. What Spring Boot's worker does after the start ({@code lockstep.jobs.run}); a job
     * another process runs is left to it, and taken over by a later call once that process is gone.
     *
     * @param stop asked between batches whether to stop (the application shuts down); the job goes
     *     on at the next call, from its last committed batch
     * @return each job this call ran, as it ended
     */
    public List<BatchedJob> runJobs(BooleanSupplier stop) {
        return new JobsCommand(engine).runAvailable(stop);
    }

    /** {@link #runJobs(BooleanSupplier)} until each job ends, or the thread is interrupted. */
    public List<BatchedJob> runJobs() {
        return runJobs(() -> false);
    }

    /**
     * Pauses the job of {@code version}: its worker stops after the batch in flight, and no batch runs
     * until it is resumed.
     *
     * @throws LockstepException when it is not pending or running, or there is no such job
     */
    public BatchedJob pauseJob(String version) {
        return new JobsCommand(engine).act(version, JobAction.PAUSE);
    }

    /** Lets a paused job run again: the next worker goes on from its last committed batch. */
    public BatchedJob resumeJob(String version) {
        return new JobsCommand(engine).act(version, JobAction.RESUME);
    }

    /** Lets a failed job run again, from the batch that failed. */
    public BatchedJob retryJob(String version) {
        return new JobsCommand(engine).act(version, JobAction.RETRY);
    }

    /**
     * The expand/contract migrations applied here ({@code -- lockstep:expand-contract}), oldest first:
     * expanded or contracted, and for each expanded one the sessions of older releases its contract
     * waits for. Takes no lock and writes nothing.
     */
    public List<ExpandedMigration> expansions() {
        return new ContractCommand(engine).list();
    }

    /**
     * Contracts the expanded migrations, oldest first, while no session of an older release is
     * connected: drops the old columns, renames what was renamed, sets what was set, and drops the
     * version schemas no release needs. Stops at the first that older sessions still need. Takes the
     * migration lock without waiting.
     *
     * @param force contract even while sessions of older releases are connected (their queries of the
     *     old shape then fail)
     * @return every expand/contract migration as it is now, oldest first
     * @throws LockstepException when another runner holds the lock, or PostgreSQL refuses a statement
     */
    public List<ExpandedMigration> contract(boolean force) {
        return new ContractCommand(engine).contract(force);
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
        engine.listeners().add(listener);
    }

    private void logSummary(MigrationReport report) {
        if (report.applied().isEmpty()) {
            LOG.log(engine.settings().routine(), "Schema is up to date: " + report.alreadyApplied() + " migration(s) already applied in "
                    + report.tracker() + ", nothing to apply (" + report.total().toMillis() + " ms)");
        } else {
            LOG.log(Level.INFO, "Applied " + report.applied().size() + " migration(s) to " + report.tracker()
                    + (report.outOfOrder().isEmpty() ? "" : ", " + report.outOfOrder().size() + " out of order")
                    + ", in " + report.total().toMillis() + " ms (lock wait " + report.lockWait().toMillis() + " ms)");
        }
    }
}
