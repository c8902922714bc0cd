package dev.lockstep.autoconfigure;

/**
 * Attaches listeners to the targets before their startup run: the initializer calls every bean of
 * this type first, as it hands every {@link dev.lockstep.core.LockstepListener} bean to a single
 * engine. Lockstep's metrics use it; so can an application's own.
 */
@FunctionalInterface
public interface LockstepTargetsListeners {
    void attach(LockstepTargets targets);
}
