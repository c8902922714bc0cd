package dev.lockstep.core;

import dev.lockstep.core.internal.lock.AdvisoryLock;
import dev.lockstep.core.internal.lock.RunLock;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.session.SessionPinning;

/**
 * Engines built from a configuration with other parts than production's, so that a test can show
 * its check fails when the guard it proves is taken away.
 */
public final class TestEngines {

    private TestEngines() {
    }

    /** The engine with another lock in place of the advisory lock. */
    public static Lockstep withLocks(LockstepConfiguration configuration, RunLock.Factory locks) {
        return new Lockstep(configuration.check(), new EngineParts(locks, SessionPinning.POOLER_CHECK));
    }

    /** The fleet with another lock in place of each tenant's advisory lock. */
    public static LockstepFleet fleetWithLocks(FleetConfiguration configuration, RunLock.Factory locks) {
        return configuration.parts(new EngineParts(locks, SessionPinning.POOLER_CHECK)).load();
    }

    /** The engine without the pooler check, to show what the fence does on its own. */
    public static Lockstep withoutPoolerCheck(LockstepConfiguration configuration) {
        return new Lockstep(configuration.check(), new EngineParts(AdvisoryLock::new, (connection, pool) -> { }));
    }
}
