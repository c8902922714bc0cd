package dev.lockstep.core;

/** Hears each tenant's run end, from the fleet's worker threads; for fleet-wide metrics. Must not throw. */
@FunctionalInterface
public interface FleetListener {
    void tenantFinished(TenantStatus status);
}
