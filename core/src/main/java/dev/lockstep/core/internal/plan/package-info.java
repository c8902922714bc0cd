/**
 * Internal: the files checked against the tracker, once, for every command.
 * {@link dev.lockstep.core.internal.plan.MigrationClassification} gives each migration on disk or in
 * the tracker its {@link dev.lockstep.core.MigrationState};
 * {@link dev.lockstep.core.internal.plan.MigrationPlan} turns that into the pending work (what
 * migrate applies, what validate fails on, what preview shows) or one error listing every
 * mismatch with the SQL that fixes it; {@link dev.lockstep.core.internal.plan.MigrationInventory}
 * into what {@code info()} lists. Pure logic: no connection.
 */
package dev.lockstep.core.internal.plan;
