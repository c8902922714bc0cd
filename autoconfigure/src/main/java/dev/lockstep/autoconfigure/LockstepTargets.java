package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepFleet;
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
                throw new LockstepConfigurationException("lockstep.mode", mode.name().toLowerCase(java.util.Locale.ROOT)
                        + " is not available for target '" + target.name() + "', which has tenants: fleets migrate "
                        + "only; use lockstep-cli validate per tenant, or set lockstep.mode=migrate");
            } else if (properties.getFleet().getStartup() == FleetProperties.Startup.CANARIES) {
                target.fleet().get().migrateCanariesThenRestInBackground();
            } else {
                target.fleet().get().migrate();
            }
        }
    }
}
