package dev.lockstep.core.internal.sql;

import dev.lockstep.core.internal.sql.FileProblem;

/**
 * Reads SQL text as PostgreSQL's own lexer does, one token at a time: the only place in Lockstep
 * that decides where a string, a quoted identifier, a dollar quote or a comment begins and ends.
 * The splitter cuts statements from its tokens and the analysis reads their facts from them, so no
 * two readers of a statement can disagree about what is code and what is quoted.
 *
 * <p>It knows single-quoted strings ({@code ''} escapes), {@code E''} strings (backslash escapes
 * too), dollar-quoted strings with or without a tag, quoted identifiers ({@code ""} escapes), line
 * comments and nested block comments. Anything it cannot close is an error naming the line where
 * it opened. It keeps nothing but its position: tokens are offsets into the text.
 */
public final class SqlLexer {

    private final String sql;
    private int pos;
    private int line = 1;

    private TokenKind kind;
    private int start;
    private int end;
    private int tokenLine;

    public SqlLexer(String sql) {
        this.sql = sql;
    }

    /** The text being read. */
    public String text() {
        return sql;
    }

    /**
     * Moves to the next token.
     *
     * @return false at the end of the text
     * @throws FileProblem if a quote, comment or dollar quote is never closed
     */
    public boolean next() {
        skipWhitespace();
        if (pos >= sql.length()) {
            return false;
        }
        start = pos;
        tokenLine = line;
        char c = sql.charAt(pos);
        if (c == '-' && peek(1) == '-') {
            kind = TokenKind.LINE_COMMENT;
            pos = lineEnd(pos);
        } else if (c == '/' && peek(1) == '*') {
            kind = TokenKind.BLOCK_COMMENT;
            skipBlockComment();
        } else if (c == ';') {
            kind = TokenKind.SEMICOLON;
            pos++;
        } else if (c == '\\') {
            kind = TokenKind.META_COMMAND;
            pos = lineEnd(pos);
        } else if (c == '\'') {
            kind = TokenKind.STRING;
            skipQuoted('\'', false, "string");
        } else if ((c == 'E' || c == 'e') && peek(1) == '\'') {
            kind = TokenKind.ESCAPE_STRING;
            pos++;
            skipQuoted('\'', true, "string");
        } else if (c == '"') {
            kind = TokenKind.QUOTED_IDENTIFIER;
            skipQuoted('"', false, "quoted identifier");
        } else if (c == '$' && dollarTagEnd(pos) > 0) {
            kind = TokenKind.DOLLAR_STRING;
            skipDollarQuoted();
        } else if (c == '$' && Character.isDigit(peek(1))) {
            kind = TokenKind.PARAMETER;
            pos++;
            while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                pos++;
            }
        } else if (isWordStart(c)) {
            kind = TokenKind.WORD;
            while (pos < sql.length() && isWordPart(sql.charAt(pos))) {
                pos++;
            }
        } else if (Character.isDigit(c)) {
            kind = TokenKind.NUMBER;
            while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.'
                    || sql.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            kind = TokenKind.PUNCTUATION;
            pos++;
        }
        end = pos;
        return true;
    }

    public TokenKind kind() {
        return kind;
    }

    /** Where the current token starts in the text. */
    public int start() {
        return start;
    }

    /** Just past the current token. */
    public int end() {
        return end;
    }

    /** The 1-based line on which the current token starts. */
    public int line() {
        return tokenLine;
    }

    /**
     * The rows psql reads after {@code COPY ... FROM stdin;}: from the next line up to a line
     * holding only {@code \.}. Reading continues after that line.
     *
     * @param copyLine the line of the COPY statement, for errors
     * @throws FileProblem when the rows do not start on their own line or never end
     */
    public String readCopyRows(int copyLine) {
        int lineEnd = sql.indexOf('\n', pos);
        if (lineEnd < 0 || !sql.substring(pos, lineEnd).isBlank()) {
            throw new FileProblem(copyLine, "COPY ... FROM stdin must end its line: its rows start on the next "
                    + "line and end with a line holding only \\.");
        }
        int dataStart = lineEnd + 1;
        int lineStart = dataStart;
        int rows = 0;
        while (lineStart < sql.length()) {
            int stop = lineEnd(lineStart);
            if (stop - lineStart == 2 && sql.charAt(lineStart) == '\\' && sql.charAt(lineStart + 1) == '.') {
                line += rows + 1; // now on the line of \.
                pos = stop;
                return sql.substring(dataStart, lineStart);
            }
            rows++;
            lineStart = stop + 1;
        }
        throw new FileProblem(copyLine, "COPY ... FROM stdin reads its rows from the lines after it, which must end "
                + "with a line holding only \\. (as pg_dump writes it); no such line follows");
    }

    private void skipWhitespace() {
        while (pos < sql.length() && Character.isWhitespace(sql.charAt(pos))) {
            if (sql.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private char peek(int ahead) {
        return pos + ahead < sql.length() ? sql.charAt(pos + ahead) : '\0';
    }

    private int lineEnd(int from) {
        int newline = sql.indexOf('\n', from);
        return newline < 0 ? sql.length() : newline;
    }

    private void skipBlockComment() {
        int openedAt = line;
        int depth = 0;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == '/' && peek(1) == '*') {
                depth++;
                pos += 2;
            } else if (c == '*' && peek(1) == '/') {
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
                if (peek(1) == '\n') {
                    line++;
                }
                pos += 2;
            } else if (c == quote) {
                if (peek(1) == quote) {
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

    /** The index just past a dollar-quote opener ({@code $$} or {@code $tag$}) at {@code at}, or -1. */
    private int dollarTagEnd(int at) {
        int i = at + 1;
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
        int bodyStart = dollarTagEnd(pos);
        String tag = sql.substring(pos, bodyStart);
        int close = sql.indexOf(tag, bodyStart);
        if (close < 0) {
            throw new FileProblem(openedAt, "dollar-quoted string opened with " + tag + " is never closed");
        }
        int stop = close + tag.length();
        for (int i = pos; i < stop; i++) {
            if (sql.charAt(i) == '\n') {
                line++;
            }
        }
        pos = stop;
    }

    static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static boolean isTagPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
