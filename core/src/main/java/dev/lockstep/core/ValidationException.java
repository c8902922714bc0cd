package dev.lockstep.core;

/**
 * {@link Lockstep#validate()} found the database behind the files: migrations are pending. What
 * makes {@link Lockstep#migrate()} refuse (an interrupted migration, a renamed or edited file)
 * fails validation with the same {@link LockstepException}.
 */
public class ValidationException extends LockstepException {

    private static final long serialVersionUID = 1L;

    public ValidationException(String message) {
        super(message);
    }
}
