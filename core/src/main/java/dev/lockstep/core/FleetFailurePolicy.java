package dev.lockstep.core;

/** What a {@link LockstepFleet} does when a tenant (not a canary) fails; a failed canary always stops the fleet. */
public enum FleetFailurePolicy {
    /** Start no further tenant (those in flight finish) and fail the run. */
    STOP_ON_FIRST_FAILURE,
    /** Migrate every other tenant; the report and the error log list the failed ones with their errors. */
    CONTINUE
}
