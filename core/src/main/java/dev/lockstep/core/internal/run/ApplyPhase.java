package dev.lockstep.core.internal.run;

import dev.lockstep.core.AppliedMigration;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.MigrationHook;
import dev.lockstep.core.RunStoppedException;
import dev.lockstep.core.internal.files.ExpandContract;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.plan.MigrationPlan;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.RowState;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The last phase of a run, under the lock: each pending migration in order, its hooks first, then
 * the {@link MigrationApplier}, with a line in the log and an event for the listeners each. Stops
 * between two migrations when the run's thread is interrupted (the application is shutting down):
 * what was applied stays applied and recorded.
 */
final class ApplyPhase {

    private static final System.Logger LOG = System.getLogger(ApplyPhase.class.getName());

    private final RunSettings settings;
    private final Listeners listeners;
    private final MigrationApplier applier;
    private final LockWaitWatcher watcher;
    private final Consumer<AppliedRow> recorded;
    private final RequiredJobs requiredJobs;

    /**
     * @param recorded told of each row this run writes, so {@code info()} can answer during the run
     * @param requiredJobs finishes (or refuses) the jobs a migration requires finished before it runs
     */
    ApplyPhase(RunSettings settings, Listeners listeners, MigrationApplier applier, LockWaitWatcher watcher,
            Consumer<AppliedRow> recorded, RequiredJobs requiredJobs) {
        this.requiredJobs = requiredJobs;
        this.settings = settings;
        this.listeners = listeners;
        this.applier = applier;
        this.watcher = watcher;
        this.recorded = recorded;
    }

    /** Applies the plan's pending migrations; returns what it applied, in order. */
    List<AppliedMigration> apply(Connection connection, MigrationPlan plan, String appliedBy) throws SQLException {
        List<AppliedMigration> applied = new ArrayList<>();
        int total = plan.pending().size();
        for (LoadedMigration migration : plan.pending()) {
            int index = applied.size() + 1;
            if (Thread.currentThread().isInterrupted()) {
                throw new RunStoppedException("Stopped before " + migration.file() + " because the run was interrupted: "
                        + applied.size() + " of " + total + " pending migration(s) applied and recorded; the rest "
                        + "apply at the next start.");
            }
            listeners.migrationStarted(migration, index, total);
            long started = System.nanoTime();
            MigrationApplier.Outcome outcome;
            watcher.start(migration);
            try {
                requiredJobs.ensure(migration);
                runHooks(migration);
                boolean finishesAfterCommit = migration.facts().expandContract()
                        .map(ExpandContract::finishesAfterCommit).orElse(false);
                if (finishesAfterCommit && plan.resumed().contains(migration)) {
                    outcome = new MigrationApplier.Outcome(Duration.ZERO, 0); // expanded by an interrupted run
                } else {
                    outcome = applier.apply(connection, migration, plan.resumed().contains(migration)
                            ? MigrationApplier.Start.RESUMED : MigrationApplier.Start.FRESH);
                }
                if (finishesAfterCommit) {
                    if (migration.facts().expandContract().flatMap(ExpandContract::retypedTable).isPresent()) {
                        requiredJobs.finishBackfill(migration);
                    }
                    applier.publishExpansion(connection, migration, Duration.ofNanos(System.nanoTime() - started));
                    outcome = new MigrationApplier.Outcome(Duration.ofNanos(System.nanoTime() - started),
                            outcome.lockRetries());
                }
            } catch (AppliedThenConnectionLost e) {
                // Committed, then the connection died: applied, and the run stops.
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                listeners.migrationApplied(migration, took);
                recorded.accept(new AppliedRow(migration.id(), migration.checksum(), RowState.APPLIED, Instant.now(),
                        took.toMillis(), appliedBy));
                throw e;
            } catch (LockstepException e) {
                listeners.migrationFailed(migration, Duration.ofNanos(System.nanoTime() - started), e);
                throw e;
            } catch (SQLException e) {
                // Lockstep's own statements around the migration (the tracker row, most likely).
                LockstepException failure = new MigrationFailedException("Migration " + migration.file() + " failed: "
                        + e.getMessage() + " [SQLState " + e.getSQLState() + "]", migration.file(), 0, e);
                listeners.migrationFailed(migration, Duration.ofNanos(System.nanoTime() - started), failure);
                throw failure;
            } finally {
                watcher.stop();
            }
            boolean outOfOrder = plan.outOfOrder().contains(migration);
            log(settings.routine(), migration, index, total, outcome, outOfOrder, plan.resumed().contains(migration));
            listeners.migrationApplied(migration, outcome.took());
            applied.add(new AppliedMigration(migration, outcome.took(), outOfOrder));
            recorded.accept(new AppliedRow(migration.id(), migration.checksum(), RowState.APPLIED, Instant.now(),
                    outcome.took().toMillis(), appliedBy));
        }
        return applied;
    }

    private static void log(Level level, LoadedMigration migration, int index, int total,
            MigrationApplier.Outcome outcome, boolean outOfOrder, boolean resumed) {
        int retries = outcome.lockRetries();
        LOG.log(retries > 0 || outOfOrder || resumed ? Level.INFO : level, "Applied migration " + index + "/" + total + " " + migration.file() + " in "
                + outcome.took().toMillis() + " ms (" + (migration.transactional() ? "in a transaction"
                        : "outside a transaction")
                + (outOfOrder ? ", out of order: a higher version was already applied" : "")
                + (migration.repeatable() ? ", repeatable: new or changed since it last ran" : "")
                + (migration.facts().batched().isPresent() ? ", batched: its job is recorded, its batches run after "
                        + "the start" : "")
                + (migration.facts().expandContract().isPresent() ? ", expanded: the release still running keeps its "
                        + "shape; contracted once no session of it remains" : "")
                + (resumed ? ", finishing what an interrupted run left" : "")
                + (retries > 0 ? ", after " + retries + " lock_timeout retr" + (retries == 1 ? "y" : "ies") : "") + ")");
    }

    /** Hooks get the pool, with the target's session settings (a tenant's search_path) while they hold a connection. */
    private void runHooks(LoadedMigration migration) {
        DataSource hooksPool = HookDataSource.of(settings.target());
        for (MigrationHook hook : settings.hooks()) {
            if (!hook.appliesTo(migration)) {
                continue;
            }
            try {
                hook.beforeMigration(migration, hooksPool);
            } catch (Exception e) {
                throw new LockstepException("Hook " + hook.getClass().getName() + " failed before " + migration.file()
                        + ": " + e.getMessage() + ". The migration did not run and nothing was recorded.", e);
            }
        }
    }
}
