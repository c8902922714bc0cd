package dev.lockstep.autoconfigure.actuate.metrics;

import static dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters.OUTCOME;
import static dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters.STATE;
import static dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters.TARGET;

import dev.lockstep.core.FleetListener;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.TenantState;
import dev.lockstep.core.TenantStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A fleet's meters, tagged by target and never by tenant, so 10,000 tenants make the same handful of
 * series as ten: {@code lockstep.fleet.tenants} (a gauge per state) and {@code lockstep.fleet.tenant.run}
 * (one timer across tenants, by outcome). Metrics never fail a startup.
 */
public final class LockstepFleetMetrics implements FleetListener {

    private static final Log LOG = LogFactory.getLog(LockstepFleetMetrics.class);

    private final MeterRegistry registry;
    private final String target;

    public LockstepFleetMetrics(MeterRegistry registry, LockstepFleet fleet) {
        this.registry = registry;
        this.target = fleet.name();
        try {
            for (TenantState state : TenantState.values()) {
                if (state != TenantState.UNKNOWN) {
                    Gauge.builder(LockstepMeters.FLEET_TENANTS, fleet, f -> f.counts().getOrDefault(state, 0))
                            .description("Tenants of the fleet in each state").tag(TARGET, target)
                            .tag(STATE, state.name().toLowerCase(Locale.ROOT)).register(registry);
                }
            }
            timer("success");
            timer("failure");
        } catch (RuntimeException e) {
            LOG.warn("Could not register Lockstep's fleet meters; migrations are not affected", e);
        }
    }

    @Override
    public void tenantFinished(TenantStatus status) {
        try {
            timer(status.state() == TenantState.MIGRATED ? "success" : "failure").record(status.took());
        } catch (RuntimeException e) {
            LOG.warn("Could not record a fleet meter; migrations are not affected", e);
        }
    }

    private Timer timer(String outcome) {
        return Timer.builder(LockstepMeters.FLEET_TENANT_RUN).description("Time of one tenant's run, across tenants")
                .tag(TARGET, target).tag(OUTCOME, outcome).register(registry);
    }
}
