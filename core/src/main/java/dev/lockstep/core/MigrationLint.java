package dev.lockstep.core;

import dev.lockstep.core.SqlTokens.Token;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the statements of migrations that are risky on a table that already has rows and
 * traffic ({@link LintRule}), from the files alone. Migrations are read in order, so what an
 * earlier one did counts: a {@code CHECK (c IS NOT NULL)} validated before makes a later
 * {@code SET NOT NULL} safe. A statement on a table (or index) created earlier in the same
 * migration is never risky: nobody uses it yet. Statements inside functions and {@code DO} blocks
 * are not seen.
 */
public final class MigrationLint {

    private static final Set<String> VOLATILE_FUNCTIONS = Set.of("RANDOM", "CLOCK_TIMESTAMP", "TIMEOFDAY",
            "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4", "UUIDV4", "UUIDV7",
            "NEXTVAL", "TXID_CURRENT");
    private static final Set<String> SERIAL_TYPES = Set.of("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2",
            "SERIAL4", "SERIAL8");

    /** NOT VALID checks of the form {@code column IS NOT NULL}: constraint name to {@code table.column}. */
    private final Map<String, String> notNullChecks = new HashMap<>();
    /** {@code table.column} with a validated {@code IS NOT NULL} check. */
    private final Set<String> validatedNotNull = new HashSet<>();

    private MigrationLint() {
    }

    /**
     * The risky statements of these migrations, in order, without those a file suppresses with
     * {@code -- lockstep:lint-ignore=}. Reads the files; opens no connection.
     */
    public static List<LintFinding> check(List<Migration> migrations) {
        MigrationLint lint = new MigrationLint();
        List<LintFinding> findings = new ArrayList<>();
        for (Migration migration : migrations) {
            findings.addAll(lint.check(migration));
        }
        return findings;
    }

    /**
     * The findings of {@code pending} only, reading every migration of {@code onDisk} before them in
     * order, so what applied migrations did counts (a validated check before a later
     * {@code SET NOT NULL}).
     */
    public static List<LintFinding> checkPending(List<Migration> onDisk, List<Migration> pending) {
        Set<String> pendingFiles = new HashSet<>();
        pending.forEach(m -> pendingFiles.add(m.file()));
        String lastPending = pending.isEmpty() ? null : pending.get(pending.size() - 1).file();
        MigrationLint lint = new MigrationLint();
        List<LintFinding> findings = new ArrayList<>();
        for (Migration migration : onDisk) {
            List<LintFinding> found = lint.check(migration);
            if (pendingFiles.contains(migration.file())) {
                findings.addAll(found);
            }
            if (migration.file().equals(lastPending)) {
                break;
            }
        }
        return findings;
    }

    private List<LintFinding> check(Migration migration) {
        List<LintFinding> findings = new ArrayList<>();
        Set<String> created = new HashSet<>();
        for (Iterator<SqlStatement> statements = migration.openStatements(); statements.hasNext();) {
            SqlStatement statement = statements.next();
            if (statement.copyData() != null) {
                continue;
            }
            statement(new Cursor(SqlTokens.of(statement.text())), created, (rule, relation) -> {
                if (!migration.lintIgnored().contains(rule)) {
                    findings.add(new LintFinding(migration.file(), statement.line(), rule, relation,
                            abbreviate(statement.text())));
                }
            });
        }
        return findings;
    }

    @FunctionalInterface
    private interface Report {
        void risky(LintRule rule, String relation);
    }

    private void statement(Cursor c, Set<String> created, Report report) {
        if (c.accept("CREATE")) {
            create(c, created, report);
        } else if (c.accept("DROP", "INDEX")) {
            boolean concurrently = c.accept("CONCURRENTLY");
            c.accept("IF", "EXISTS");
            Name index = c.name();
            if (!concurrently && index != null && !created.contains(index.key())) {
                report.risky(LintRule.DROP_INDEX_NOT_CONCURRENT, index.text());
            }
        } else if (c.accept("REINDEX")) {
            c.skipParentheses();
            if (c.accept("INDEX") || c.accept("TABLE") || c.accept("SCHEMA") || c.accept("DATABASE")
                    || c.accept("SYSTEM")) {
                boolean concurrently = c.accept("CONCURRENTLY");
                Name name = c.name();
                if (!concurrently && (name == null || !created.contains(name.key()))) {
                    report.risky(LintRule.REINDEX_NOT_CONCURRENT, name == null ? "the database" : name.text());
                }
            }
        } else if (c.accept("REFRESH", "MATERIALIZED", "VIEW")) {
            boolean concurrently = c.accept("CONCURRENTLY");
            Name view = c.name();
            if (!concurrently && view != null && !created.contains(view.key())) {
                report.risky(LintRule.REFRESH_NOT_CONCURRENT, view.text());
            }
        } else if (c.accept("VACUUM")) {
            boolean full = c.accept("FULL") || c.parenthesesContain("FULL");
            c.skipParentheses();
            while (c.accept("FREEZE") || c.accept("VERBOSE") || c.accept("ANALYZE") || c.accept("ANALYSE")) {
                // options of the old syntax
            }
            Name table = c.name();
            if (full && (table == null || !created.contains(table.key()))) {
                report.risky(LintRule.VACUUM_FULL, table == null ? "every table" : table.text());
            }
        } else if (c.accept("CLUSTER")) {
            c.skipParentheses();
            c.accept("VERBOSE");
            Name table = c.name();
            if (table == null || !created.contains(table.key())) {
                report.risky(LintRule.CLUSTER, table == null ? "every clustered table" : table.text());
            }
        } else if (c.accept("LOCK")) {
            c.accept("TABLE");
            c.accept("ONLY");
            Name table = c.name();
            if (table != null && !created.contains(table.key())) {
                report.risky(LintRule.LOCK_TABLE, table.text());
            }
        } else if (c.accept("ALTER", "TABLE")) {
            c.accept("IF", "EXISTS");
            c.accept("ONLY");
            Name table = c.name();
            c.acceptPunct("*");
            if (table == null || created.contains(table.key())) {
                return;
            }
            for (Cursor action : c.restByTopLevelCommas()) {
                alter(action, table, report);
            }
        }
    }

    private static void create(Cursor c, Set<String> created, Report report) {
        c.accept("OR", "REPLACE");
        c.accept("UNIQUE");
        if (c.accept("INDEX")) {
            boolean concurrently = c.accept("CONCURRENTLY");
            c.accept("IF", "NOT", "EXISTS");
            Name index = c.peekIs("ON") ? null : c.name();
            if (!c.accept("ON")) {
                return;
            }
            c.accept("ONLY");
            Name table = c.name();
            if (index != null) {
                created.add(index.key());
            }
            if (!concurrently && table != null && !created.contains(table.key())) {
                report.risky(LintRule.INDEX_NOT_CONCURRENT, table.text());
            }
            return;
        }
        while (c.accept("GLOBAL") || c.accept("LOCAL") || c.accept("TEMP") || c.accept("TEMPORARY")
                || c.accept("UNLOGGED")) {
            // qualifiers of CREATE TABLE
        }
        if (c.accept("TABLE") || c.accept("MATERIALIZED", "VIEW") || c.accept("VIEW") || c.accept("SEQUENCE")) {
            c.accept("IF", "NOT", "EXISTS");
            Name name = c.name();
            if (name != null) {
                created.add(name.key());
            }
        }
    }

    /** One action of {@code ALTER TABLE} on a table that existed before this migration. */
    private void alter(Cursor a, Name table, Report report) {
        if (a.accept("RENAME")) {
            if (!a.accept("CONSTRAINT")) {
                report.risky(LintRule.RENAME, table.text());
            }
        } else if (a.accept("ADD")) {
            add(a, table, report);
        } else if (a.accept("ALTER")) {
            a.accept("COLUMN");
            Name column = a.name();
            if (a.accept("SET", "DATA", "TYPE") || a.accept("TYPE")) {
                report.risky(LintRule.COLUMN_TYPE_CHANGE, table.text());
            } else if (a.accept("SET", "NOT", "NULL") && column != null
                    && !validatedNotNull.contains(table.key() + "." + column.key())) {
                report.risky(LintRule.SET_NOT_NULL, table.text());
            }
        } else if (a.accept("VALIDATE", "CONSTRAINT")) {
            Name constraint = a.name();
            String checked = constraint == null ? null : notNullChecks.get(constraint.key());
            if (checked != null) {
                validatedNotNull.add(checked);
            }
        }
    }

    private void add(Cursor a, Name table, Report report) {
        Name constraint = a.accept("CONSTRAINT") ? a.name() : null;
        if (a.accept("PRIMARY", "KEY") || a.accept("UNIQUE") || a.accept("EXCLUDE")) {
            if (!a.restContains("USING", "INDEX")) {
                report.risky(LintRule.UNIQUE_WITHOUT_INDEX, table.text());
            }
        } else if (a.accept("FOREIGN", "KEY")) {
            if (!a.restContains("NOT", "VALID")) {
                report.risky(LintRule.FOREIGN_KEY_WITHOUT_NOT_VALID, table.text());
            }
        } else if (a.accept("CHECK")) {
            List<Token> expression = a.parenthesized();
            if (!a.restContains("NOT", "VALID")) {
                report.risky(LintRule.CHECK_WITHOUT_NOT_VALID, table.text());
            } else if (constraint != null && expression.size() == 4 && expression.get(0).isIdentifier()
                    && expression.get(1).is("IS") && expression.get(2).is("NOT") && expression.get(3).is("NULL")) {
                notNullChecks.put(constraint.key(), table.key() + "." + expression.get(0).name());
            }
        } else if (constraint == null) {
            addColumn(a, table, report);
        }
    }

    private static void addColumn(Cursor a, Name table, Report report) {
        a.accept("COLUMN");
        a.accept("IF", "NOT", "EXISTS");
        if (a.name() == null) {
            return;
        }
        List<Token> definition = a.rest();
        boolean rewrites = !definition.isEmpty() && SERIAL_TYPES.contains(definition.get(0).upper());
        for (int i = 0; i < definition.size(); i++) {
            Token t = definition.get(i);
            if (t.is("GENERATED")) {
                rewrites = true; // identity values, or a stored expression, are written into every row
            } else if (t.kind() == SqlTokens.Kind.WORD && VOLATILE_FUNCTIONS.contains(t.upper())
                    && i + 1 < definition.size() && definition.get(i + 1).isPunct("(") && followsDefault(definition, i)) {
                rewrites = true;
            }
        }
        if (rewrites) {
            report.risky(LintRule.VOLATILE_DEFAULT, table.text());
        }
        if (contains(definition, "REFERENCES")) {
            report.risky(LintRule.FOREIGN_KEY_WITHOUT_NOT_VALID, table.text());
        }
        if (contains(definition, "PRIMARY") || contains(definition, "UNIQUE")) {
            report.risky(LintRule.UNIQUE_WITHOUT_INDEX, table.text());
        }
        if (contains(definition, "CHECK")) {
            report.risky(LintRule.CHECK_WITHOUT_NOT_VALID, table.text());
        }
    }

    private static boolean followsDefault(List<Token> tokens, int index) {
        for (int i = index - 1; i >= 0; i--) {
            if (tokens.get(i).is("DEFAULT")) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(List<Token> tokens, String keyword) {
        return tokens.stream().anyMatch(t -> t.is(keyword));
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + " ...";
    }

    /**
     * A possibly qualified name.
     *
     * @param text as written, e.g. {@code public."Orders"}
     * @param key its last part as PostgreSQL folds it, to match a name written another way
     */
    private record Name(String text, String key) {
    }

    /** Reads tokens left to right. */
    private static final class Cursor {
        private final List<Token> tokens;
        private int at;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean accept(String... keywords) {
            if (at + keywords.length > tokens.size()) {
                return false;
            }
            for (int i = 0; i < keywords.length; i++) {
                if (!tokens.get(at + i).is(keywords[i])) {
                    return false;
                }
            }
            at += keywords.length;
            return true;
        }

        boolean acceptPunct(String punct) {
            if (at < tokens.size() && tokens.get(at).isPunct(punct)) {
                at++;
                return true;
            }
            return false;
        }

        boolean peekIs(String keyword) {
            return at < tokens.size() && tokens.get(at).is(keyword);
        }

        Name name() {
            if (at >= tokens.size() || !tokens.get(at).isIdentifier()) {
                return null;
            }
            StringBuilder text = new StringBuilder(tokens.get(at).text());
            String key = tokens.get(at).name();
            at++;
            while (at + 1 < tokens.size() && tokens.get(at).isPunct(".") && tokens.get(at + 1).isIdentifier()) {
                text.append('.').append(tokens.get(at + 1).text());
                key = tokens.get(at + 1).name();
                at += 2;
            }
            return new Name(text.toString(), key);
        }

        /** The tokens inside the parentheses that open here, without them; empty if none open here. */
        List<Token> parenthesized() {
            if (at >= tokens.size() || !tokens.get(at).isPunct("(")) {
                return List.of();
            }
            int depth = 0;
            int start = at + 1;
            while (at < tokens.size()) {
                Token t = tokens.get(at++);
                if (t.isPunct("(")) {
                    depth++;
                } else if (t.isPunct(")") && --depth == 0) {
                    return tokens.subList(start, at - 1);
                }
            }
            return tokens.subList(start, tokens.size());
        }

        void skipParentheses() {
            parenthesized();
        }

        boolean parenthesesContain(String keyword) {
            int mark = at;
            boolean found = parenthesized().stream().anyMatch(t -> t.is(keyword));
            at = mark;
            return found;
        }

        boolean restContains(String... keywords) {
            for (int i = at; i + keywords.length <= tokens.size(); i++) {
                boolean match = true;
                for (int k = 0; k < keywords.length && match; k++) {
                    match = tokens.get(i + k).is(keywords[k]);
                }
                if (match) {
                    return true;
                }
            }
            return false;
        }

        List<Token> rest() {
            List<Token> rest = tokens.subList(at, tokens.size());
            at = tokens.size();
            return rest;
        }

        /** What is left, cut at commas outside parentheses: the actions of an ALTER TABLE. */
        List<Cursor> restByTopLevelCommas() {
            List<Cursor> parts = new ArrayList<>();
            int depth = 0;
            int start = at;
            for (int i = at; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                if (t.isPunct("(")) {
                    depth++;
                } else if (t.isPunct(")")) {
                    depth--;
                } else if (t.isPunct(",") && depth == 0) {
                    parts.add(new Cursor(tokens.subList(start, i)));
                    start = i + 1;
                }
            }
            parts.add(new Cursor(tokens.subList(start, tokens.size())));
            at = tokens.size();
            return parts;
        }
    }
}
