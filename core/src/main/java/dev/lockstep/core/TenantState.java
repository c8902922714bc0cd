package dev.lockstep.core;

/** Where one tenant of a {@link LockstepFleet} stands in the fleet's latest run. */
public enum TenantState {
    /** Not migrated yet by this process: waiting its turn, or not started after the fleet stopped. */
    PENDING,
    /** Its run is in progress (waiting for its lock, or applying). */
    MIGRATING,
    /** Every migration is applied. */
    MIGRATED,
    /** Its run failed; {@link TenantStatus#error()} says why. */
    FAILED,
    /** Not a tenant of the fleet. */
    UNKNOWN
}
