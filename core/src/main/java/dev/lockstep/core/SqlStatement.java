package dev.lockstep.core;

import java.util.List;

/**
 * One statement of a migration file, as the splitter found it.
 *
 * @param text the statement without its terminating semicolon
 * @param line the 1-based line of the file on which the statement starts
 * @param words the statement's leading bare words, upper-cased, outside quotes and comments
 *     (enough to classify it, never the whole statement)
 * @param copyData for {@code COPY ... FROM stdin}: the rows that followed it in the file, else
 *     {@code null}
 */
record SqlStatement(String text, int line, List<String> words, String copyData) {

    SqlStatement(String text, int line, List<String> words) {
        this(text, line, words, null);
    }

    SqlStatement withCopyData(String data) {
        return new SqlStatement(text, line, words, data);
    }

    boolean startsWith(String... keywords) {
        if (words.size() < keywords.length) {
            return false;
        }
        for (int i = 0; i < keywords.length; i++) {
            if (!words.get(i).equals(keywords[i])) {
                return false;
            }
        }
        return true;
    }
}
