package dev.lockstep.cli;

/** The command line or a setting is wrong; the message says which and how to fix it. Exit code 2. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
