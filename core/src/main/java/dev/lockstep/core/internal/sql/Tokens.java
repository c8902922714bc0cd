package dev.lockstep.core.internal.sql;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The tokens of one statement, comments left out, as offsets into the file's text: a statement of
 * a 50 MB file costs a few arrays, not a string per word. Keywords are compared in place, ignoring
 * case, as PostgreSQL folds them.
 */
public final class Tokens {

    private static final TokenKind[] KINDS = TokenKind.values();

    private final String text;
    private byte[] kinds = new byte[16];
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int size;

    Tokens(String text) {
        this.text = text;
    }

    /**
     * Every token of a body in quotes (a {@code DO} block's, a function's), comments left out; empty
     * when it is no SQL at all (a string that merely holds text), which then tells nothing.
     */
    static Optional<Tokens> ofBody(String body) {
        try {
            return Optional.of(of(body));
        } catch (FileProblem notSql) {
            return Optional.empty();
        }
    }

    /**
     * Reads every token of {@code sql}, comments left out.
     *
     * @throws FileProblem if a quote, comment or dollar quote is never closed
     */
    static Tokens of(String sql) {
        Tokens tokens = new Tokens(sql);
        SqlLexer lexer = new SqlLexer(sql);
        while (lexer.next()) {
            if (!lexer.kind().isComment()) {
                tokens.add(lexer.kind(), lexer.start(), lexer.end());
            }
        }
        return tokens;
    }

    void add(TokenKind kind, int start, int end) {
        if (size == kinds.length) {
            kinds = Arrays.copyOf(kinds, size * 2);
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        kinds[size] = (byte) kind.ordinal();
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    public TokenKind kind(int i) {
        return KINDS[kinds[i]];
    }

    int start(int i) {
        return starts[i];
    }

    /** The token as written. */
    public String text(int i) {
        return text.substring(starts[i], ends[i]);
    }

    /** The text from the start of token {@code from} to the end of token {@code to}, as written. */
    String span(int from, int to) {
        return text.substring(starts[from], ends[to]);
    }

    /** Whether token {@code i} is the bare word {@code keyword} (upper case), in any case. */
    public boolean isWord(int i, String keyword) {
        return i < size && kinds[i] == TokenKind.WORD.ordinal() && ends[i] - starts[i] == keyword.length()
                && text.regionMatches(true, starts[i], keyword, 0, keyword.length());
    }

    boolean isPunctuation(int i, char c) {
        return i < size && kinds[i] == TokenKind.PUNCTUATION.ordinal() && text.charAt(starts[i]) == c;
    }

    /** Whether token {@code i} names something: a bare word or a quoted identifier. */
    boolean isIdentifier(int i) {
        return i < size && (kinds[i] == TokenKind.WORD.ordinal() || kinds[i] == TokenKind.QUOTED_IDENTIFIER.ordinal());
    }

    /** A bare word in upper case, for keyword sets; {@code ""} for any other token. */
    String upper(int i) {
        return kind(i) == TokenKind.WORD ? text(i).toUpperCase(Locale.ROOT) : "";
    }

    /** As PostgreSQL resolves an identifier: a bare word folded to lower case, a quoted one as written. */
    String identifier(int i) {
        String written = text(i);
        if (kind(i) == TokenKind.QUOTED_IDENTIFIER) {
            return written.substring(1, written.length() - 1).replace("\"\"", "\"");
        }
        return written.toLowerCase(Locale.ROOT);
    }

    /** The value of a string token: quotes removed and, for {@code ''}-quoted strings, doubled quotes undone. */
    String stringValue(int i) {
        String written = text(i);
        return switch (kind(i)) {
            case STRING -> written.substring(1, written.length() - 1).replace("''", "'");
            case ESCAPE_STRING -> written.substring(2, written.length() - 1).replace("''", "'").replace("\\'", "'");
            case DOLLAR_STRING -> {
                int tag = written.indexOf('$', 1) + 1;
                yield written.substring(tag, written.length() - tag);
            }
            default -> written;
        };
    }
}
