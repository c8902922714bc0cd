package dev.lockstep.core;

import java.util.List;

/**
 * One or more migration files cannot be used. Raised before any connection is opened, so nothing
 * has been written; the message lists every offending file.
 */
public class MigrationFileException extends LockstepException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public MigrationFileException(List<String> problems) {
        super(problems.size() == 1 ? "Migration file problem: " + problems.get(0)
                : problems.size() + " migration file problems:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each naming the file (and the line, where there is one). */
    public List<String> problems() {
        return problems;
    }
}
