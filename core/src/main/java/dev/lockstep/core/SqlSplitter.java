package dev.lockstep.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements at top-level semicolons.
 *
 * <p>It knows the lexical forms in which a semicolon does not end a statement: single-quoted
 * strings ({@code ''} escapes), {@code E''} strings (backslash escapes too), dollar-quoted strings
 * with or without a tag, quoted identifiers ({@code ""} escapes), line comments and nested block
 * comments, and SQL-standard function bodies ({@code BEGIN ATOMIC ... END}). Anything it cannot
 * close is an error naming the line where it opened, rather than a silently merged statement.
 */
final class SqlSplitter {

    /** How many leading words a statement keeps for classification. */
    private static final int WORDS_KEPT = 12;

    private final String sql;
    private final List<SqlStatement> statements = new ArrayList<>();
    private int pos;
    private int line = 1;

    // The statement being read.
    private int start = -1;
    private int startLine;
    private List<String> words = new ArrayList<>();
    private String previousWord = "";
    private int atomicDepth;

    private SqlSplitter(String sql) {
        this.sql = sql;
    }

    /**
     * Splits a script into its statements, dropping empty ones and comment-only ones.
     *
     * @throws FileProblem if a quote, comment or dollar quote is never closed
     */
    static List<SqlStatement> split(String sql) {
        SqlSplitter splitter = new SqlSplitter(sql);
        splitter.run();
        return splitter.statements;
    }

    private void run() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && next() == '-') {
                skipLineComment();
            } else if (c == '/' && next() == '*') {
                skipBlockComment();
            } else if (c == ';' && atomicDepth == 0) {
                endStatement(pos);
                pos++;
            } else {
                markStart();
                if (c == '\'') {
                    skipQuoted('\'', false, "string");
                } else if (c == '"') {
                    skipQuoted('"', false, "quoted identifier");
                } else if (c == '$' && dollarTagEnd() > 0) {
                    skipDollarQuoted();
                } else if (isWordStart(c)) {
                    readWord();
                } else {
                    pos++;
                }
            }
        }
        endStatement(sql.length());
    }

    private char next() {
        return pos + 1 < sql.length() ? sql.charAt(pos + 1) : '\0';
    }

    private void markStart() {
        if (start < 0) {
            start = pos;
            startLine = line;
        }
    }

    private void endStatement(int end) {
        if (start >= 0) {
            String text = sql.substring(start, end).strip();
            statements.add(new SqlStatement(text, startLine, List.copyOf(words)));
        }
        start = -1;
        words = new ArrayList<>();
        previousWord = "";
        atomicDepth = 0;
    }

    private void skipLineComment() {
        while (pos < sql.length() && sql.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void skipBlockComment() {
        int openedAt = line;
        int depth = 0;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == '/' && next() == '*') {
                depth++;
                pos += 2;
            } else if (c == '*' && next() == '/') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                if (c == '\n') {
                    line++;
                }
                pos++;
            }
        }
        throw new FileProblem(openedAt, "block comment /* is never closed with */");
    }

    /** Skips a quoted run starting at {@code pos}; a doubled quote is an escaped quote. */
    private void skipQuoted(char quote, boolean backslashEscapes, String what) {
        int openedAt = line;
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == '\n') {
                line++;
            }
            if (backslashEscapes && c == '\\') {
                if (next() == '\n') {
                    line++;
                }
                pos += 2;
            } else if (c == quote) {
                if (next() == quote) {
                    pos += 2;
                } else {
                    pos++;
                    return;
                }
            } else {
                pos++;
            }
        }
        throw new FileProblem(openedAt, what + " opened with " + quote + " is never closed");
    }

    /** The index just past a dollar-quote opener ({@code $$} or {@code $tag$}) at {@code pos}, or -1. */
    private int dollarTagEnd() {
        int i = pos + 1;
        if (i < sql.length() && isWordStart(sql.charAt(i))) {
            i++;
            while (i < sql.length() && isTagPart(sql.charAt(i))) {
                i++;
            }
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : -1;
    }

    private void skipDollarQuoted() {
        int openedAt = line;
        int bodyStart = dollarTagEnd();
        String tag = sql.substring(pos, bodyStart);
        int close = sql.indexOf(tag, bodyStart);
        if (close < 0) {
            throw new FileProblem(openedAt, "dollar-quoted string opened with " + tag + " is never closed");
        }
        int end = close + tag.length();
        line += countNewlines(pos, end);
        pos = end;
    }

    private void readWord() {
        int wordStart = pos;
        while (pos < sql.length() && isWordPart(sql.charAt(pos))) {
            pos++;
        }
        String word = sql.substring(wordStart, pos).toUpperCase(java.util.Locale.ROOT);
        if (pos < sql.length() && sql.charAt(pos) == '\'' && word.equals("E")) {
            skipQuoted('\'', true, "string");
        }
        if (words.size() < WORDS_KEPT) {
            words.add(word);
        }
        trackAtomicBlock(word);
        previousWord = word;
    }

    /** Semicolons inside {@code BEGIN ATOMIC ... END} belong to the function body. */
    private void trackAtomicBlock(String word) {
        if (word.equals("ATOMIC") && previousWord.equals("BEGIN") && atomicDepth == 0) {
            atomicDepth = 1;
        } else if (atomicDepth > 0 && word.equals("CASE")) {
            atomicDepth++;
        } else if (atomicDepth > 0 && word.equals("END")) {
            atomicDepth--;
        }
    }

    private int countNewlines(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (sql.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static boolean isTagPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
