package dev.lockstep.core;

/** Something wrong inside one migration file, at a line; gathered into a {@link MigrationFileException}. */
final class FileProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    FileProblem(int line, String message) {
        super(message);
        this.line = line;
    }

    int line() {
        return line;
    }
}
