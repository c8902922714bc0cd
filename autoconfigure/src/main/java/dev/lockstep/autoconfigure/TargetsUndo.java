package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.UndoPlan;
import dev.lockstep.core.UndoTarget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@code lockstep.mode=undo} with targets: the undo of every target, and of every tenant of a
 * fleet, is planned and checked (downs present and runnable, nothing interrupted) before any is
 * run, so a refusal in the last target leaves the first one as it was. {@code lockstep.undo.targets}
 * and {@code lockstep.undo.tenants} narrow it to some targets and tenants.
 */
final class TargetsUndo {

    private static final Log LOG = LogFactory.getLog(TargetsUndo.class);

    /** One engine's checked plan; {@code where} names its target (and tenant) in messages. */
    private record Planned(String where, Lockstep engine, UndoPlan plan) {
    }

    private TargetsUndo() {
    }

    static void run(List<LockstepTargets.Target> targets, LockstepProperties.Undo undo) {
        UndoTarget what = StartupMigration.undoTarget(undo);
        List<LockstepTargets.Target> chosen = chosen(targets, undo.getTargets());
        Set<String> tenants = new LinkedHashSet<>(undo.getTenants());
        Set<String> unmatched = new LinkedHashSet<>(tenants);
        List<Planned> plans = new ArrayList<>();
        for (LockstepTargets.Target target : chosen) {
            if (target.engine().isPresent()) {
                plans.add(plan("target '" + target.name() + "'", target.engine().get(), what));
                continue;
            }
            LockstepFleet fleet = target.fleet().orElseThrow();
            for (String tenant : fleet.tenantNames()) {
                if (tenants.isEmpty() || tenants.contains(tenant)) {
                    unmatched.remove(tenant);
                    plans.add(plan("target '" + target.name() + "', tenant " + tenant, fleet.tenant(tenant), what));
                }
            }
        }
        if (!unmatched.isEmpty()) {
            throw new LockstepConfigurationException("lockstep.undo.tenants", "names " + unmatched + ", which no target "
                    + "undone here has as a tenant; name tenants of " + chosen.stream().filter(t -> t.fleet()
                            .isPresent()).map(t -> "'" + t.name() + "'").toList() + ". Nothing was undone.");
        }
        plans.forEach(p -> LOG.warn("Lockstep undo (lockstep.mode=undo), " + p.where() + ":\n" + p.plan().describe()));
        List<String> undone = new ArrayList<>();
        for (Planned planned : plans) {
            try {
                UndoPlan done = planned.engine().undo(what, planned.plan());
                undone.add(planned.where() + " (" + done.steps().size() + ")");
                LOG.warn("Lockstep undid " + done.steps().size() + " migration(s) in " + done.tracker() + ", "
                        + planned.where() + "; the next start with lockstep.mode=migrate applies them again");
            } catch (LockstepException e) {
                throw new LockstepException(capitalized(planned.where()) + ": " + e.getMessage() + (undone.isEmpty()
                        ? "" : " Undone before it: " + String.join(", ", undone) + "."), e);
            }
        }
    }

    /** {@code lockstep.undo.targets}, every target when empty; a name that is no target is refused. */
    private static List<LockstepTargets.Target> chosen(List<LockstepTargets.Target> targets, List<String> names) {
        if (names.isEmpty()) {
            return targets;
        }
        List<String> all = targets.stream().map(LockstepTargets.Target::name).toList();
        for (String name : names) {
            if (!all.contains(name)) {
                throw new LockstepConfigurationException("lockstep.undo.targets", "names no target '" + name
                        + "'; the targets are " + all + ". Nothing was undone.");
            }
        }
        return targets.stream().filter(t -> names.contains(t.name())).toList();
    }

    /** The plan of one engine, or its refusal named by where it is, before anything anywhere is undone. */
    private static Planned plan(String where, Lockstep engine, UndoTarget what) {
        try {
            return new Planned(where, engine, engine.planUndo(what));
        } catch (LockstepException e) {
            throw new LockstepException(capitalized(where) + ": " + e.getMessage() + " Nothing was undone in any target: "
                    + "every target's undo is planned and checked before any runs.", e);
        }
    }

    private static String capitalized(String where) {
        return Character.toUpperCase(where.charAt(0)) + where.substring(1);
    }
}
