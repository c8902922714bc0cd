package dev.lockstep.core;

import java.time.Duration;
import java.util.Optional;

/**
 * One tenant of a {@link LockstepFleet}: its state, how many migrations its latest run applied,
 * how long the run took, and the error of a failed run (its message names the file and line).
 */
public record TenantStatus(String tenant, TenantState state, int applied, Duration took, Optional<String> error) {

    /** A tenant the fleet knows and has not migrated yet. */
    public static TenantStatus pending(String tenant) {
        return new TenantStatus(tenant, TenantState.PENDING, 0, Duration.ZERO, Optional.empty());
    }
}
