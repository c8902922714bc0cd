package dev.lockstep.cli;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.LockstepListener;
import java.util.List;
import java.util.Optional;

/**
 * Where a command acts: the database of {@code --url}, or each tenant {@code --tenants} (or
 * {@code --tenants-query}) names, schemas of it or, with {@code --tenant-url-template}, databases.
 * Every command takes its engines from here, so none can act on {@code --url}'s schema when tenants
 * were named.
 */
final class Targets {

    /** One place a command acts on, with its engine. */
    record Target(Optional<String> tenant, Lockstep engine) {

        /** {@code "t1: "} before a tenant's lines, nothing for the single database. */
        String prefix() {
            return tenant.map(t -> t + ": ").orElse("");
        }
    }

    private final Optional<LockstepFleet> fleet;
    private final Lockstep single;

    private Targets(Optional<LockstepFleet> fleet, Lockstep single) {
        this.fleet = fleet;
        this.single = single;
    }

    static Targets of(Settings settings, LockstepListener progress) {
        LockstepConfiguration configuration = Engine.configuration(settings);
        if (configuration.hasTenants()) {
            // A fleet prints a line per tenant and a summary, not every tenant's migrations interleaved.
            return new Targets(Optional.of(Engine.fleet(settings, configuration)), null);
        }
        return new Targets(Optional.empty(), Engine.build(settings, configuration.listener(progress)));
    }

    /** The fleet, when tenants were named. */
    Optional<LockstepFleet> fleet() {
        return fleet;
    }

    /** Every target, in order: the tenants as the list or query gives them, read now. */
    List<Target> all() {
        if (fleet.isEmpty()) {
            return List.of(new Target(Optional.empty(), single));
        }
        LockstepFleet tenants = fleet.get();
        return tenants.tenantNames().stream().map(t -> new Target(Optional.of(t), tenants.tenant(t))).toList();
    }
}
