package dev.lockstep.core;

import java.time.Duration;
import java.util.List;

/**
 * What one fleet run did: every tenant's status in the fleet's order, how many migrations it
 * applied across tenants, and how long it took.
 */
public record FleetReport(List<TenantStatus> tenants, Duration took) {

    public FleetReport {
        tenants = List.copyOf(tenants);
    }

    public List<TenantStatus> failed() {
        return inState(TenantState.FAILED);
    }

    public List<TenantStatus> migrated() {
        return inState(TenantState.MIGRATED);
    }

    /** Tenants the run did not get to, because the fleet stopped on a failure. */
    public List<TenantStatus> notStarted() {
        return inState(TenantState.PENDING);
    }

    /** Migrations applied across all tenants, those a failed tenant applied before it failed included. */
    public int applied() {
        return tenants.stream().mapToInt(TenantStatus::applied).sum();
    }

    private List<TenantStatus> inState(TenantState state) {
        return tenants.stream().filter(t -> t.state() == state).toList();
    }

    /** One line: how many tenants, in what state, what was applied, in how long. */
    public String summary() {
        int beforeFailing = failed().stream().mapToInt(TenantStatus::applied).sum();
        return tenants.size() + " tenant(s): " + migrated().size() + " migrated (" + (applied() - beforeFailing)
                + " migration(s) applied), " + failed().size() + " failed"
                + (beforeFailing == 0 ? "" : " (" + beforeFailing + " migration(s) applied before they failed)")
                + (notStarted().isEmpty() ? "" : ", " + notStarted().size() + " not started") + ", in "
                + took.toMillis() + " ms";
    }
}
