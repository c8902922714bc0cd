/**
 * Internal: the tracker table and what writes it besides a migration.
 * {@link dev.lockstep.core.internal.tracker.Tracker} holds every SQL statement on the table (always
 * schema-qualified and quoted) and brings an earlier layout up to date;
 * {@link dev.lockstep.core.internal.tracker.AppliedRow} is one row.
 * {@link dev.lockstep.core.internal.tracker.AdoptedHistory} reads Flyway's or golang-migrate's history
 * into rows on the first run, {@link dev.lockstep.core.internal.tracker.Baseline} records files as
 * already there, {@link dev.lockstep.core.internal.tracker.RepairActions} decides the SQL of the
 * operator actions, and {@link dev.lockstep.core.internal.tracker.InTransaction} makes Lockstep's own
 * writes all-or-nothing.
 */
package dev.lockstep.core.internal.tracker;
