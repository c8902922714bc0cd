package dev.lockstep.core.internal.sql;

/**
 * Something wrong inside one migration file's text, at a line (0: the file as a whole); the loader
 * gathers them, naming the file, into one {@link dev.lockstep.core.MigrationFileException}.
 */
public final class FileProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final boolean noStatement;

    public FileProblem(int line, String message) {
        this(line, message, false);
    }

    private FileProblem(int line, String message, boolean noStatement) {
        super(message);
        this.line = line;
        this.noStatement = noStatement;
    }

    /** The file holds no statement: nothing but comments and white space. */
    public static FileProblem noStatement(String message) {
        return new FileProblem(0, message, true);
    }

    /** Whether the file holds no statement (a down file says so to mark its migration irreversible). */
    public boolean noStatement() {
        return noStatement;
    }

    public int line() {
        return line;
    }
}
