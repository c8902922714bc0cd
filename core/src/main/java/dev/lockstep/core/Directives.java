package dev.lockstep.core;

import java.util.Optional;

/**
 * Reads {@code -- lockstep:key=value} lines from the comment block at the top of a migration.
 * Only {@code transaction=true|false} exists today; anything else under {@code lockstep:} is an
 * error, so a typo never silently changes how a migration runs.
 */
final class Directives {

    private static final String PREFIX = "lockstep:";

    private Directives() {
    }

    /**
     * The forced transaction mode, or empty when the file does not set one.
     *
     * @throws FileProblem naming the line of a directive it does not know
     */
    static Optional<Boolean> transaction(String text) {
        Optional<Boolean> transaction = Optional.empty();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.startsWith("--")) {
                break;
            }
            String comment = trimmed.substring(2).strip();
            if (!comment.startsWith(PREFIX)) {
                continue;
            }
            String directive = comment.substring(PREFIX.length()).strip();
            if (directive.equals("transaction=false")) {
                transaction = Optional.of(false);
            } else if (directive.equals("transaction=true")) {
                transaction = Optional.of(true);
            } else {
                throw new FileProblem(lineNumber, "unknown directive '" + comment
                        + "'; the one directive is '-- lockstep:transaction=false' (or =true)");
            }
        }
        return transaction;
    }
}
