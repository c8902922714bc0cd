package dev.lockstep.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a PostgreSQL script into statements at top-level semicolons, one statement at a time, so a
 * large file never exists as a list of statements.
 *
 * <p>It knows the lexical forms in which a semicolon does not end a statement: single-quoted
 * strings ({@code ''} escapes), {@code E''} strings (backslash escapes too), dollar-quoted strings
 * with or without a tag, quoted identifiers ({@code ""} escapes), line comments and nested block
 * comments, and SQL-standard function bodies ({@code BEGIN ATOMIC ... END}). Anything it cannot
 * close is an error naming the line where it opened, rather than a silently merged statement.
 *
 * <p>Two forms of psql's are understood, because {@code pg_dump} writes them: the rows after
 * {@code COPY ... FROM stdin;} up to a line holding only a backslash and a dot belong to that
 * statement, and pg_dump's restrict and unrestrict lines are skipped. Any other backslash command
 * is an error: Lockstep runs SQL, not psql scripts.
 */
final class SqlSplitter {

    /** How many leading words a statement keeps for classification. */
    private static final int WORDS_KEPT = 12;
    private static final Pattern FROM_STDIN = Pattern.compile("\\bFROM\\s+STDIN\\b",
            Pattern.CASE_INSENSITIVE);
    /** psql commands that pg_dump writes (since 17.6, 16.10, 15.14, 14.19, 13.22) and that change nothing in SQL. */
    private static final Set<String> SKIPPED_META_COMMANDS = Set.of("restrict", "unrestrict");

    /**
     * Told of comments that start with {@code lockstep:} in any case, wherever they are, so
     * directives can be checked for their place and spelling.
     */
    @FunctionalInterface
    interface DirectiveComments {
        /**
         * @param text the comment without its {@code --} or {@code /* *}{@code /}, stripped
         * @param block whether it is a block comment
         * @param beforeFirstStatement whether no statement started before it
         */
        void found(String text, int line, boolean block, boolean beforeFirstStatement);
    }

    private final String sql;
    private final DirectiveComments directiveComments;
    private SqlStatement ready;
    private boolean statementSeen;
    private int pos;
    private int line = 1;

    // The statement being read.
    private int start = -1;
    private int startLine;
    private List<String> words = new ArrayList<>();
    private String previousWord = "";
    private int atomicDepth;

    SqlSplitter(String sql, DirectiveComments directiveComments) {
        this.sql = sql;
        this.directiveComments = directiveComments;
    }

    /**
     * Splits a script into its statements, dropping empty ones and comment-only ones.
     *
     * @throws FileProblem if a quote, comment or dollar quote is never closed
     */
    static List<SqlStatement> split(String sql) {
        SqlSplitter splitter = new SqlSplitter(sql, (text, line, block, before) -> { });
        List<SqlStatement> statements = new ArrayList<>();
        for (SqlStatement next = splitter.next(); next != null; next = splitter.next()) {
            statements.add(next);
        }
        return statements;
    }

    /**
     * The next statement, or {@code null} after the last.
     *
     * @throws FileProblem if a quote, comment or dollar quote is never closed, or for a psql command
     */
    SqlStatement next() {
        while (ready == null && pos <= sql.length()) {
            if (pos == sql.length()) {
                endStatement(sql.length());
                pos++;
            } else {
                step();
            }
        }
        SqlStatement next = ready;
        ready = null;
        return next;
    }

    private void step() {
        char c = sql.charAt(pos);
        if (c == '\n') {
            line++;
            pos++;
        } else if (Character.isWhitespace(c)) {
            pos++;
        } else if (c == '-' && peek() == '-') {
            skipLineComment();
        } else if (c == '/' && peek() == '*') {
            skipBlockComment();
        } else if (c == ';' && atomicDepth == 0) {
            endStatement(pos);
            pos++;
            if (ready != null && ready.copyData() == null && isCopyFromStdin(ready)) {
                ready = ready.withCopyData(readCopyData(ready));
            }
        } else if (c == '\\') {
            metaCommand();
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

    private char peek() {
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
            ready = new SqlStatement(text, startLine, List.copyOf(words));
            statementSeen = true;
        }
        start = -1;
        words = new ArrayList<>();
        previousWord = "";
        atomicDepth = 0;
    }

    private void skipLineComment() {
        int from = pos + 2;
        while (pos < sql.length() && sql.charAt(pos) != '\n') {
            pos++;
        }
        reportDirective(from, pos, false, line);
    }

    /** Tells of a comment that reads like a directive: {@code lockstep:} first, in any case. */
    private void reportDirective(int from, int to, boolean block, int commentLine) {
        int i = from;
        while (i < to && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        if (sql.regionMatches(true, i, "lockstep:", 0, "lockstep:".length())) {
            directiveComments.found(sql.substring(i, to).strip(), commentLine, block, !statementSeen && start < 0);
        }
    }

    /**
     * A backslash outside quotes and comments starts a psql command, which PostgreSQL does not
     * know. pg_dump's {@code \restrict} lines are skipped; anything else is an error.
     */
    private void metaCommand() {
        int commandLine = line;
        int end = sql.indexOf('\n', pos);
        String command = sql.substring(pos, end < 0 ? sql.length() : end).strip();
        String name = command.substring(1).split("\\s+", 2)[0];
        if (SKIPPED_META_COMMANDS.contains(name) && start < 0) {
            pos = end < 0 ? sql.length() : end;
            return;
        }
        throw new FileProblem(commandLine, "'" + abbreviate(command) + "' is a psql command, not SQL: Lockstep sends "
                + "the file to PostgreSQL, which does not know psql's backslash commands. Write it as SQL "
                + "(\\i: put the included file's statements in a migration of its own; \\set: write the value "
                + "in; \\connect: migrate each database with its own configuration), or run the script with psql");
    }

    private static boolean isCopyFromStdin(SqlStatement statement) {
        return statement.startsWith("COPY") && FROM_STDIN.matcher(statement.text()).find();
    }

    /**
     * The rows after {@code COPY ... FROM stdin;}: from the next line up to a line {@code \.}, as
     * psql reads them. Leaves {@code pos} after the terminator line.
     */
    private String readCopyData(SqlStatement copy) {
        int lineEnd = sql.indexOf('\n', pos);
        if (lineEnd < 0 || !sql.substring(pos, lineEnd).isBlank()) {
            throw new FileProblem(copy.line(), "COPY ... FROM stdin must end its line: its rows start on the next "
                    + "line and end with a line holding only \\.");
        }
        int dataStart = lineEnd + 1;
        int lineStart = dataStart;
        int rows = 0;
        while (lineStart < sql.length()) {
            int end = sql.indexOf('\n', lineStart);
            int stop = end < 0 ? sql.length() : end;
            if (stop - lineStart == 2 && sql.charAt(lineStart) == '\\' && sql.charAt(lineStart + 1) == '.') {
                String data = sql.substring(dataStart, lineStart);
                line += rows + 1; // now on the line of \.
                pos = stop;
                return data;
            }
            rows++;
            lineStart = stop + 1;
        }
        throw new FileProblem(copy.line(), "COPY ... FROM stdin reads its rows from the lines after it, which must end "
                + "with a line holding only \\. (as pg_dump writes it); no such line follows");
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + " ...";
    }

    private void skipBlockComment() {
        int openedAt = line;
        int from = pos + 2;
        int depth = 0;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == '/' && peek() == '*') {
                depth++;
                pos += 2;
            } else if (c == '*' && peek() == '/') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    reportDirective(from, pos - 2, true, openedAt);
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
                if (peek() == '\n') {
                    line++;
                }
                pos += 2;
            } else if (c == quote) {
                if (peek() == quote) {
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
