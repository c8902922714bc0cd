package dev.lockstep.core;

/** A migration's statement failed on the server; the message names the file, line and error. */
public class MigrationFailedException extends LockstepException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    public MigrationFailedException(String message, String file, int line, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
    }

    /** The migration file, as {@code location/relative/path}. */
    public String file() {
        return file;
    }

    /** The 1-based line on which the failing statement starts. */
    public int line() {
        return line;
    }
}
