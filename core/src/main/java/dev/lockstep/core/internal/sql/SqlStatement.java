package dev.lockstep.core.internal.sql;

import java.util.Optional;

/**
 * One statement of a migration file, as the splitter cut it, with what the analysis read from it.
 *
 * @param text the statement without its terminating semicolon
 * @param line the 1-based line of the file on which the statement starts
 * @param facts what it does, read once from its tokens: every decision about it reads these
 * @param copyRows for {@code COPY ... FROM stdin}: the rows that followed it in the file
 */
public record SqlStatement(String text, int line, StatementFacts facts, Optional<String> copyRows) {

    /** The statement on one line, shortened to {@code max} characters, for messages. */
    public String oneLine(int max) {
        return oneLine(text, max);
    }

    /** {@code text} (a statement's, stripped) on one line, shortened to {@code max} characters, for messages. */
    public static String oneLine(String text, int max) {
        StringBuilder oneLine = new StringBuilder();
        for (int i = 0; i < text.length() && oneLine.length() <= max; i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                oneLine.append(c);
            } else if (oneLine.length() > 0 && oneLine.charAt(oneLine.length() - 1) != ' ') {
                oneLine.append(' ');
            }
        }
        // The text is stripped, so a space at the end means the loop stopped before the end.
        return oneLine.length() <= max ? oneLine.toString() : oneLine.substring(0, max) + " ...";
    }
}
