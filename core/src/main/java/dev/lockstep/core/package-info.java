/**
 * Lockstep's engine: applies PostgreSQL migrations once across every replica. Spring-free. This
 * package is the API, what users, Spring Boot, the command line and {@code lockstep-test} import:
 * the entry point {@link dev.lockstep.core.Lockstep} (built by
 * {@link dev.lockstep.core.LockstepConfiguration}, whose settings are listed once in
 * {@link dev.lockstep.core.LockstepSettings}), {@link dev.lockstep.core.LockstepListener} and
 * {@link dev.lockstep.core.MigrationHook}, the reports ({@link dev.lockstep.core.MigrationReport},
 * {@link dev.lockstep.core.MigrationInfo}, {@link dev.lockstep.core.MigrationPreview},
 * {@link dev.lockstep.core.RunProgress}), undo ({@link dev.lockstep.core.UndoTarget},
 * {@link dev.lockstep.core.UndoPlan}) and the round-trip check of downs ({@link dev.lockstep.core.RoundTrip},
 * over a {@link dev.lockstep.core.CatalogSnapshot}), many tenants ({@link dev.lockstep.core.LockstepFleet},
 * built by {@link dev.lockstep.core.FleetConfiguration}) and the exceptions, each with a message that says
 * how to fix what went wrong.
 *
 * <p>Everything else is internal ({@code dev.lockstep.core.internal.*}; the module exports only this
 * package), mapped here in the order a run uses it:
 * <ol>
 *   <li>{@code internal.files}: find and read the files, before any connection;</li>
 *   <li>{@code internal.sql}: one lexer, one splitter and one analysis of each statement;</li>
 *   <li>{@code internal.session}: borrow one connection and keep it for the run;</li>
 *   <li>{@code internal.lock}: wait for the migration lock, hold it, fence the work with it;</li>
 *   <li>{@code internal.tracker}: the tracker table, adoption of other tools' history, baseline,
 *       repair actions;</li>
 *   <li>{@code internal.plan}: files against the tracker, once, for every command;</li>
 *   <li>{@code internal.lint}: risky statements on live tables;</li>
 *   <li>{@code internal.run}: the commands (migrate, validate, preview, info, repair, undo, round
 *       trip) and the phases of a run;</li>
 *   <li>{@code internal.fleet}: many tenants: how a tenant is reached, waves, tenant states.</li>
 * </ol>
 */
package dev.lockstep.core;
