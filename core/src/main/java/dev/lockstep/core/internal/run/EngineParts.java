package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.lock.AdvisoryLock;
import dev.lockstep.core.internal.lock.RunLock;
import dev.lockstep.core.internal.session.SessionPinning;

/**
 * The engine's collaborators that decide how runs serialize: the lock, and the check that the
 * connection is a session of its own. Production uses {@link #STANDARD}; Lockstep's own tests build
 * engines with a lock that locks nothing, to prove that their concurrency checks fail without it.
 */
public record EngineParts(RunLock.Factory locks, SessionPinning sessionPinning) {

    /** A PostgreSQL session advisory lock, behind the pooler check. */
    public static final EngineParts STANDARD = new EngineParts(AdvisoryLock::new, SessionPinning.POOLER_CHECK);
}
