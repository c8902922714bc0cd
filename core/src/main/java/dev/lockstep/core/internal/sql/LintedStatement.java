package dev.lockstep.core.internal.sql;

import java.util.List;

/**
 * What the lint needs of one statement, kept with its migration after the file is read, so the
 * lint never reads the file again.
 *
 * @param line the line the statement starts on
 * @param statement the statement on one line, shortened
 * @param events what it tells the lint, in order
 */
public record LintedStatement(int line, String statement, List<LintEvent> events) {

    /** How much of a statement a finding shows. */
    public static final int SHOWN = 160;

    public LintedStatement {
        events = List.copyOf(events);
    }

    /** The lint's view of a statement, or empty when it tells the lint nothing. */
    public static java.util.Optional<LintedStatement> of(SqlStatement statement) {
        List<LintEvent> events = statement.facts().lint();
        return events.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new LintedStatement(statement.line(), statement.oneLine(SHOWN), events));
    }
}
