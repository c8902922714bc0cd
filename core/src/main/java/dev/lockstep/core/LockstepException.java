package dev.lockstep.core;

/** Why a Lockstep run could not complete. Every message says what is wrong and how to fix it. */
public class LockstepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LockstepException(String message) {
        super(message);
    }

    public LockstepException(String message, Throwable cause) {
        super(message, cause);
    }
}
