package dev.lockstep.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of one SQL statement, for the lint: words (upper-cased for comparison, with their
 * identifier spelling kept), quoted identifiers, literals and punctuation; comments dropped.
 * Enough to recognise the shape of DDL, not a parser of PostgreSQL's grammar.
 */
final class SqlTokens {

    enum Kind { WORD, QUOTED, LITERAL, PUNCT }

    /**
     * @param upper the token upper-cased, for keyword comparison ({@code ""} for literals)
     * @param name as an identifier: a bare word lower-cased, a quoted one as written
     */
    record Token(Kind kind, String upper, String name, String text) {

        boolean is(String keyword) {
            return kind == Kind.WORD && upper.equals(keyword);
        }

        boolean isPunct(String punct) {
            return kind == Kind.PUNCT && text.equals(punct);
        }

        boolean isIdentifier() {
            return kind == Kind.WORD || kind == Kind.QUOTED;
        }
    }

    private SqlTokens() {
    }

    static List<Token> of(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = endOfBlockComment(sql, i);
            } else if (c == '\'') {
                int end = endOfString(sql, i, false);
                tokens.add(new Token(Kind.LITERAL, "", "", sql.substring(i, end)));
                i = end;
            } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                int end = endOfString(sql, i + 1, true);
                tokens.add(new Token(Kind.LITERAL, "", "", sql.substring(i, end)));
                i = end;
            } else if (c == '"') {
                int end = i + 1;
                StringBuilder name = new StringBuilder();
                while (end < n) {
                    if (sql.charAt(end) == '"') {
                        if (end + 1 < n && sql.charAt(end + 1) == '"') {
                            name.append('"');
                            end += 2;
                            continue;
                        }
                        end++;
                        break;
                    }
                    name.append(sql.charAt(end++));
                }
                tokens.add(new Token(Kind.QUOTED, name.toString().toUpperCase(Locale.ROOT), name.toString(),
                        sql.substring(i, end)));
                i = end;
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                int end = close < 0 ? n : close + tag.length();
                tokens.add(new Token(Kind.LITERAL, "", "", sql.substring(i, end)));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
                        || sql.charAt(end) == '$')) {
                    end++;
                }
                String word = sql.substring(i, end);
                tokens.add(new Token(Kind.WORD, word.toUpperCase(Locale.ROOT), word.toLowerCase(Locale.ROOT), word));
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
                    end++;
                }
                tokens.add(new Token(Kind.LITERAL, "", "", sql.substring(i, end)));
                i = end;
            } else {
                tokens.add(new Token(Kind.PUNCT, String.valueOf(c), "", String.valueOf(c)));
                i++;
            }
        }
        return tokens;
    }

    private static int endOfBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    private static int endOfString(String sql, int quote, boolean backslashEscapes) {
        int i = quote + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    /** The end of a {@code $tag$} opening at {@code start}, or -1 when it is none (a positional {@code $1}). */
    private static int dollarTagEnd(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            if (i == start + 1 && Character.isDigit(sql.charAt(i))) {
                return -1;
            }
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : -1;
    }
}
