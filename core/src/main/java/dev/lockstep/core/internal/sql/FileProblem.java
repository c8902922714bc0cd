package dev.lockstep.core.internal.sql;

/**
 * Something wrong inside one migration file's text, at a line (0: the file as a whole); the loader
 * gathers them, naming the file, into one {@link dev.lockstep.core.MigrationFileException}.
 */
public final class FileProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public FileProblem(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
