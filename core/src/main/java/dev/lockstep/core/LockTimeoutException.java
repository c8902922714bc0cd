package dev.lockstep.core;

import java.time.Duration;

/** The migration lock was not free within {@code lockstep.lock.timeout}. */
public class LockTimeoutException extends LockstepException {
    private static final long serialVersionUID = 1L;

    private final transient LockHolder holder;
    private final Duration waited;

    public LockTimeoutException(String message, LockHolder holder, Duration waited) {
        super(message);
        this.holder = holder;
        this.waited = waited;
    }

    /** Who held the lock when Lockstep gave up, or {@code null} if it was released just then. */
    public LockHolder holder() {
        return holder;
    }

    public Duration waited() {
        return waited;
    }
}
