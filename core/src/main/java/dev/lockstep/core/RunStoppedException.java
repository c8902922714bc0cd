package dev.lockstep.core;

/**
 * The run stopped because its thread was interrupted, typically because the application is shutting
 * down: while waiting for the lock, or between two migrations. What was applied stays applied and
 * recorded; nothing is half-recorded, and the rest applies at the next start.
 */
public class RunStoppedException extends LockstepException {
    private static final long serialVersionUID = 1L;

    public RunStoppedException(String message) {
        super(message);
    }
}
