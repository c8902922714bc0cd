/**
 * Internal: the commands and the phases of a run. {@link dev.lockstep.core.internal.run.Engine} is
 * what every command shares (settings, collaborators, listeners, the loader). The commands, over one
 * plan: {@link dev.lockstep.core.internal.run.MigrateCommand} (connect, pin the session, wait for the
 * lock, {@link dev.lockstep.core.internal.run.TrackerSetup}, plan, {@link dev.lockstep.core.internal.run.ApplyPhase}),
 * {@link dev.lockstep.core.internal.run.ValidateCommand}, {@link dev.lockstep.core.internal.run.PreviewCommand},
 * {@link dev.lockstep.core.internal.run.InfoCommand} and {@link dev.lockstep.core.internal.run.RepairCommand}.
 * Applying one migration is {@code MigrationApplier}'s (batches, COPY, the fence, the tracker row);
 * whether to try again after {@code lock_timeout} is {@code LockTimeoutRetries}', with
 * {@code LockWaitWatcher} naming what a statement waits for. {@code Listeners} tells the world, and
 * never lets a listener fail a run.
 */
package dev.lockstep.core.internal.run;
