package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.ValidationException;
import java.util.List;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The named targets of {@code lockstep.targets}, in the order written: each one engine
 * ({@link Lockstep}) or, with tenants, one fleet ({@link LockstepFleet}). Inject it to reach a
 * fleet at runtime: {@code targets.fleet("tenants").awaitMigrated(tenant, timeout)},
 * {@code createTenant(name)}.
 */
public final class LockstepTargets {

    private static final Log LOG = LogFactory.getLog(LockstepTargets.class);

    /** One target: exactly one of {@code engine} and {@code fleet} is present. */
    public record Target(String name, Optional<Lockstep> engine, Optional<LockstepFleet> fleet) {
    }

    private final List<Target> targets;

    LockstepTargets(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    public List<Target> all() {
        return targets;
    }

    /** The fleet of the target of this name; empty when there is none, or it has no tenants. */
    public Optional<LockstepFleet> fleet(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst().flatMap(Target::fleet);
    }

    /** The engine of the target of this name; empty when there is none, or it has tenants. */
    public Optional<Lockstep> engine(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst().flatMap(Target::engine);
    }

    /** Runs every target in order; the first that fails stops the rest (its error names it). */
    void runAll(LockstepProperties properties) {
        LockstepProperties.Mode mode = properties.getMode();
        for (Target target : targets) {
            LOG.info("Lockstep target '" + target.name() + "'");
            if (target.engine().isPresent()) {
                StartupMigration.run(target.engine().get(), properties);
            } else if (mode != LockstepProperties.Mode.MIGRATE) {
                // validate, preview and undo act in each tenant in turn, with the tenant's own target.
                LockstepFleet fleet = target.fleet().get();
                for (String tenant : fleet.tenantNames()) {
                    LOG.info("Lockstep target '" + target.name() + "', tenant " + tenant);
                    try {
                        StartupMigration.run(fleet.tenant(tenant), properties);
                    } catch (ValidationException e) {
                        throw new ValidationException("Target '" + target.name() + "', tenant " + tenant + ": "
                                + e.getMessage());
                    } catch (LockstepException e) {
                        throw new LockstepException("Target '" + target.name() + "', tenant " + tenant + ": "
                                + e.getMessage(), e);
                    }
                }
            } else if (properties.getFleet().getStartup() == FleetProperties.Startup.CANARIES) {
                target.fleet().get().migrateCanariesThenRestInBackground();
            } else {
                target.fleet().get().migrate();
            }
        }
    }
}
