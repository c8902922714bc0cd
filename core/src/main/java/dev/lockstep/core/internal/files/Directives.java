package dev.lockstep.core.internal.files;

import dev.lockstep.core.LintRule;
import dev.lockstep.core.internal.sql.FileProblem;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code -- lockstep:key=value} lines from the comments at the top of a migration, before its
 * first statement: {@code transaction=true|false} and {@code lint-ignore=<rule>[,<rule>]}. A comment that starts with
 * {@code lockstep:} anywhere else, in another case or as a block comment is an error, as is an
 * unknown directive: a directive that is silently ignored changes how a migration runs.
 */
final class Directives {

    private static final String PREFIX = "lockstep:";
    private static final String THE_DIRECTIVE = "'-- lockstep:transaction=false' (or =true)";
    private static final String LINT_IGNORE = "lint-ignore=";

    private Optional<Boolean> transaction = Optional.empty();
    private final Set<LintRule> lintIgnored = EnumSet.noneOf(LintRule.class);

    /** Takes each comment the splitter reports, in file order. */
    void found(String comment, int line, boolean block, boolean beforeFirstStatement) {
        if (block) {
            throw new FileProblem(line, "'" + comment + "' is a block comment, which Lockstep does not read as a "
                    + "directive; write it as a line comment at the top of the file: " + THE_DIRECTIVE);
        }
        if (!beforeFirstStatement) {
            throw new FileProblem(line, "'-- " + comment + "' comes after the first statement, where Lockstep does "
                    + "not read directives; move it to the top of the file, before the first statement");
        }
        if (!comment.startsWith(PREFIX)) {
            throw new FileProblem(line, "'-- " + comment + "' is not read as a directive: directives are written in "
                    + "lower case, " + THE_DIRECTIVE);
        }
        String directive = comment.substring(PREFIX.length()).strip();
        if (directive.equals("transaction=false")) {
            transaction = Optional.of(false);
        } else if (directive.equals("transaction=true")) {
            transaction = Optional.of(true);
        } else if (directive.startsWith(LINT_IGNORE)) {
            for (String id : directive.substring(LINT_IGNORE.length()).split(",")) {
                lintIgnored.add(LintRule.byId(id).orElseThrow(() -> new FileProblem(line, "'" + id.strip()
                        + "' in '-- " + comment + "' is no lint rule; the rules are " + LintRule.allIds())));
            }
        } else {
            throw new FileProblem(line, "unknown directive '" + comment + "'; the directives are " + THE_DIRECTIVE
                    + " and '-- lockstep:lint-ignore=<rule>[,<rule>]'");
        }
    }

    /** The lint rules this file accepts for its statements. */
    Set<LintRule> lintIgnored() {
        return Set.copyOf(lintIgnored);
    }

    /** The forced transaction mode, or empty when the file does not set one. */
    Optional<Boolean> transaction() {
        return transaction;
    }
}
