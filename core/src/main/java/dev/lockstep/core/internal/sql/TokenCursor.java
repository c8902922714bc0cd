package dev.lockstep.core.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a statement's tokens left to right, for {@link StatementAnalyzer}: keywords, names, parentheses. */
final class TokenCursor {

    private final Tokens tokens;
    private final int end;
    private int at;

    TokenCursor(Tokens tokens) {
        this(tokens, 0, tokens.size());
    }

    private TokenCursor(Tokens tokens, int from, int end) {
        this.tokens = tokens;
        this.at = from;
        this.end = end;
    }

    Tokens tokens() {
        return tokens;
    }

    boolean atEnd() {
        return at >= end;
    }

    /** Moves past these keywords if they come next, in this order. */
    boolean accept(String... keywords) {
        if (!peek(keywords)) {
            return false;
        }
        at += keywords.length;
        return true;
    }

    /** Whether these keywords come next, without moving. */
    boolean peek(String... keywords) {
        if (at + keywords.length > end) {
            return false;
        }
        for (int i = 0; i < keywords.length; i++) {
            if (!tokens.isWord(at + i, keywords[i])) {
                return false;
            }
        }
        return true;
    }

    boolean acceptPunctuation(char c) {
        if (at < end && tokens.isPunctuation(at, c)) {
            at++;
            return true;
        }
        return false;
    }

    /** A possibly qualified name ({@code a.b."C"}), if one comes next. */
    Optional<RelationName> name() {
        if (at >= end || !tokens.isIdentifier(at)) {
            return Optional.empty();
        }
        int first = at;
        String key = tokens.identifier(at);
        at++;
        while (at + 1 < end && tokens.isPunctuation(at, '.') && tokens.isIdentifier(at + 1)) {
            key = tokens.identifier(at + 1);
            at += 2;
        }
        return Optional.of(new RelationName(tokens.span(first, at - 1), key));
    }

    /** The next bare word in upper case without moving, or {@code ""} when the next token is none. */
    String peekWord() {
        return at < end ? tokens.upper(at) : "";
    }

    /** A cursor of its own over what is left, this one not moved. */
    TokenCursor copy() {
        return new TokenCursor(tokens, at, end);
    }

    /** What is left, as written; {@code ""} when nothing is. */
    String restText() {
        return at < end ? tokens.span(at, end - 1) : "";
    }

    /** Moves past one token. */
    void skip() {
        at++;
    }

    /**
     * The tokens inside the parentheses that open here, without them, as a cursor of their own;
     * empty, moving nowhere, when none open here. Unbalanced parentheses end with the statement.
     */
    TokenCursor parenthesized() {
        if (at >= end || !tokens.isPunctuation(at, '(')) {
            return new TokenCursor(tokens, at, at);
        }
        int depth = 0;
        int start = at + 1;
        while (at < end) {
            int i = at++;
            if (tokens.isPunctuation(i, '(')) {
                depth++;
            } else if (tokens.isPunctuation(i, ')') && --depth == 0) {
                return new TokenCursor(tokens, start, i);
            }
        }
        return new TokenCursor(tokens, start, end);
    }

    /** What is left, cut at commas outside parentheses (the actions of an ALTER TABLE, the options of a list). */
    List<TokenCursor> restByTopLevelCommas() {
        List<TokenCursor> parts = new ArrayList<>();
        int depth = 0;
        int start = at;
        for (int i = at; i < end; i++) {
            if (tokens.isPunctuation(i, '(')) {
                depth++;
            } else if (tokens.isPunctuation(i, ')')) {
                depth--;
            } else if (tokens.isPunctuation(i, ',') && depth == 0) {
                parts.add(new TokenCursor(tokens, start, i));
                start = i + 1;
            }
        }
        parts.add(new TokenCursor(tokens, start, end));
        at = end;
        return parts;
    }

    /** Whether these keywords come, in this order, anywhere in what is left at this level or deeper. */
    boolean restContains(String... keywords) {
        for (int i = at; i + keywords.length <= end; i++) {
            boolean match = true;
            for (int k = 0; k < keywords.length && match; k++) {
                match = tokens.isWord(i + k, keywords[k]);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** The index of the next token, for reading what is left token by token. */
    int position() {
        return at;
    }

    int end() {
        return end;
    }

    /** How many tokens are left. */
    int remaining() {
        return Math.max(0, end - at);
    }
}
