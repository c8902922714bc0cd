package dev.lockstep.core.internal.sql;

import java.util.List;

/**
 * Reads what a statement changes in its session from its tokens. {@code SET} and {@code RESET}
 * count as statements of their own and inside a {@code DO} block's body (also in the strings it
 * {@code EXECUTE}s); elsewhere ({@code UPDATE t SET ..}, {@code ALTER .. SET}, a function's
 * {@code SET} clause) they change no session setting. {@code set_config(..)} counts wherever it is
 * called, also inside dollar-quoted bodies (a function a later migration may call). A body in quotes
 * is read with the same lexer as the file; one that does not read as SQL (a string that only holds
 * text) tells nothing.
 */
final class SessionEffectsReader {

    /** Bodies inside bodies: deep enough for {@code EXECUTE 'SET ..'} inside a DO block. */
    private static final int MAX_DEPTH = 3;
    private static final List<String> SESSION_CHARACTERISTICS = List.of("default_transaction_isolation",
            "default_transaction_read_only", "default_transaction_deferrable");

    private final SessionEffects.Collector effects = new SessionEffects.Collector();

    private SessionEffectsReader() {
    }

    /** @param setStatement whether the statement is a SET, RESET or DO, where SET and RESET take effect */
    static SessionEffects read(Tokens tokens, boolean setStatement) {
        SessionEffectsReader reader = new SessionEffectsReader();
        reader.scan(tokens, setStatement, 0);
        return reader.effects.effects();
    }

    private void scan(Tokens tokens, boolean setsTakeEffect, int depth) {
        for (int i = 0; i < tokens.size(); i++) {
            TokenKind kind = tokens.kind(i);
            if (kind == TokenKind.WORD) {
                if (setsTakeEffect && (tokens.isWord(i, "SET") || tokens.isWord(i, "RESET"))) {
                    setOrReset(tokens, i + 1);
                } else if (tokens.isWord(i, "SET_CONFIG") && tokens.isPunctuation(i + 1, '(')) {
                    setConfig(tokens, i + 2);
                }
            } else if (depth < MAX_DEPTH && (kind == TokenKind.DOLLAR_STRING || setsTakeEffect && kind.isString())) {
                int deeper = depth + 1;
                Tokens.ofBody(tokens.stringValue(i)).ifPresent(body -> scan(body, setsTakeEffect, deeper));
            }
        }
    }

    /** What follows {@code SET} or {@code RESET} at {@code i}. */
    private void setOrReset(Tokens tokens, int i) {
        if ((tokens.isWord(i, "SESSION") || tokens.isWord(i, "LOCAL"))) {
            if (tokens.isWord(i + 1, "AUTHORIZATION")) {
                effects.role();
                return;
            }
            if (tokens.isWord(i + 1, "CHARACTERISTICS")) {
                SESSION_CHARACTERISTICS.forEach(effects::setting);
                return;
            }
            i++;
        }
        if (!tokens.isIdentifier(i)) {
            return;
        }
        if (tokens.isWord(i, "ROLE")) {
            effects.role();
        } else if (tokens.isWord(i, "ALL")) {
            effects.unknown();
        } else if (tokens.isWord(i, "TIME") && tokens.isWord(i + 1, "ZONE")) {
            effects.setting("timezone");
        } else if (tokens.isWord(i, "SCHEMA")) {
            effects.setting("search_path");
        } else if (tokens.isWord(i, "NAMES")) {
            effects.setting("client_encoding");
        } else if (tokens.isWord(i, "XML") && tokens.isWord(i + 1, "OPTION")) {
            effects.setting("xmloption");
        } else if (!tokens.isWord(i, "TRANSACTION") && !tokens.isWord(i, "CONSTRAINTS")) {
            // SET TRANSACTION and SET CONSTRAINTS last for the transaction only.
            String name = tokens.identifier(i).toLowerCase(java.util.Locale.ROOT);
            if (tokens.isPunctuation(i + 1, '.') && tokens.isIdentifier(i + 2)) {
                name += "." + tokens.identifier(i + 2).toLowerCase(java.util.Locale.ROOT);
            }
            effects.setting(name);
        }
    }

    /** {@code set_config(name, ..)} with its first argument at {@code i}: a literal name, or one computed. */
    private void setConfig(Tokens tokens, int i) {
        if (i < tokens.size() && tokens.kind(i).isString() && !tokens.isPunctuation(i + 1, '|')) {
            String name = tokens.stringValue(i).toLowerCase(java.util.Locale.ROOT);
            if (name.equals("role")) {
                effects.role();
            } else {
                effects.setting(name);
            }
        } else {
            effects.unknown();
        }
    }
}
