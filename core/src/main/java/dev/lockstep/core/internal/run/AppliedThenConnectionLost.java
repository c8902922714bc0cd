package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;

/**
 * The connection died after the migration committed, and a new connection found it recorded as
 * applied: the migration is applied, the run cannot go on (its session and lock are gone).
 */
final class AppliedThenConnectionLost extends LockstepException {
    private static final long serialVersionUID = 1L;

    AppliedThenConnectionLost(String message, Throwable cause) {
        super(message, cause);
    }
}
