package dev.lockstep.core;

import java.util.List;

/**
 * One statement of a migration file, as the splitter found it.
 *
 * @param text the statement without its terminating semicolon
 * @param line the 1-based line of the file on which the statement starts
 * @param words the statement's leading bare words, upper-cased, outside quotes and comments
 *     (enough to classify it, never the whole statement)
 */
record SqlStatement(String text, int line, List<String> words) {

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
