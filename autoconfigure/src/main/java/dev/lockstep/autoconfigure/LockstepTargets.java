package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The named targets of {@code lockstep.targets}, in the order written, after the main set
 * ({@code lockstep.locations}, target {@code main}) when it has files of its own: each one engine
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
    private final List<SharedTrackers.Tracked> trackers;
    /** The targets a startup run did not reach, and why: for health and the exit status. */
    private final Map<String, String> notRun = new ConcurrentHashMap<>();

    LockstepTargets(List<Target> targets, List<SharedTrackers.Tracked> trackers) {
        this.targets = List.copyOf(targets);
        this.trackers = List.copyOf(trackers);
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

    /**
     * Why the startup run did not run this target (an earlier target failed, or the targets were
     * refused before any ran); empty when it ran or is to run.
     */
    public Optional<String> notRun(String name) {
        return Optional.ofNullable(notRun.get(name));
    }

    /**
     * Runs every target in order; the first that fails stops the rest, which are marked not run
     * with the reason (health shows it). Two targets on one tracker are refused first, and an undo
     * is planned and checked in every target before any is undone.
     */
    void runAll(LockstepProperties properties) {
        try {
            SharedTrackers.refuse(trackers);
        } catch (LockstepException e) {
            targets.forEach(t -> notRun.put(t.name(), "not run: " + e.getMessage()));
            throw e;
        }
        if (properties.getMode() == LockstepProperties.Mode.UNDO) {
            TargetsUndo.run(targets, properties.getUndo()); // a failed undo always fails the start
            return;
        }
        for (int i = 0; i < targets.size(); i++) {
            try {
                run(targets.get(i), properties);
            } catch (RuntimeException e) {
                markSkipped(targets.get(i).name(), targets.subList(i + 1, targets.size()));
                throw e;
            }
        }
    }

    /**
     * The targets after a failed one are not run: a target may need what an earlier one migrates (a
     * tenants query reads a table of the main set). Said once, and kept for health.
     */
    private void markSkipped(String failed, List<Target> skipped) {
        if (skipped.isEmpty()) {
            return;
        }
        skipped.forEach(t -> notRun.put(t.name(), "not run: target '" + failed + "' failed before it"));
        LOG.warn("Lockstep does not run target(s) " + skipped.stream().map(t -> "'" + t.name() + "'")
                .collect(java.util.stream.Collectors.joining(", ")) + ": target '" + failed + "' failed before "
                + "them (its error follows), and a target may need what an earlier one migrates; they run at the next "
                + "start that gets past it");
    }

    private static void run(Target target, LockstepProperties properties) {
        LockstepProperties.Mode mode = properties.getMode();
        LOG.info("Lockstep target '" + target.name() + "'");
        if (target.engine().isPresent()) {
            StartupMigration.run(target.engine().get(), properties);
        } else if (mode != LockstepProperties.Mode.MIGRATE) {
            // validate and preview act in each tenant in turn, with the tenant's own target.
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
