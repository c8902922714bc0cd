package dev.lockstep.core.internal.sql;

/** What one token of SQL text is, as {@link SqlLexer} reads it. */
public enum TokenKind {
    /** A bare word: a keyword or an unquoted identifier ({@code CREATE}, {@code orders}, {@code a$b}). */
    WORD,
    /** {@code "Orders"}: an identifier kept as written. */
    QUOTED_IDENTIFIER,
    /** {@code 'text'}, with {@code ''} for a quote; also the body of {@code B''}, {@code X''}, {@code U&''}. */
    STRING,
    /** {@code E'text'}: backslash escapes too. The token starts at the {@code E}. */
    ESCAPE_STRING,
    /** {@code $$text$$} or {@code $tag$text$tag$}. */
    DOLLAR_STRING,
    NUMBER,
    /** {@code $1}: a positional parameter. */
    PARAMETER,
    /** Any other single character: {@code ( ) , . * =} and the parts of operators. */
    PUNCTUATION,
    SEMICOLON,
    /** {@code -- ...} up to the end of the line. */
    LINE_COMMENT,
    /** {@code /* ... *}{@code /}, nested as PostgreSQL nests them. */
    BLOCK_COMMENT,
    /** A backslash outside quotes and comments: a psql command, up to the end of the line. */
    META_COMMAND;

    boolean isComment() {
        return this == LINE_COMMENT || this == BLOCK_COMMENT;
    }

    boolean isString() {
        return this == STRING || this == ESCAPE_STRING || this == DOLLAR_STRING;
    }
}
