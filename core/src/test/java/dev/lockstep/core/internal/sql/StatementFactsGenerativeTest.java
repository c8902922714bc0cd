package dev.lockstep.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every statement kind the engine treats specially, rewritten many ways that do not change what it
 * does: keywords in any case, identifiers bare, upper-cased (PostgreSQL folds them), quoted or
 * schema-qualified, string literals in {@code ''}, {@code E''} or dollar quotes, and between any
 * two tokens spaces, tabs, newlines, line comments or nested block comments. The facts must not
 * change, read alone or from a script of such statements; a failure names the seed and the text.
 * (jqwik, the obvious library for this, runs on JUnit Platform 1 and this build is on 6: the
 * generator is a seeded {@link Random}, so every case is reproducible from its seed.)
 */
class StatementFactsGenerativeTest {

    private static final int VARIANTS = 150;
    /**
     * {@code {name}}: an identifier; {@code {@name}}: a relation's name, which may also be written
     * schema-qualified; {@code {'text'}}: a string literal.
     */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(@?)([a-z_0-9]+)}|\\{'([^']*)'}");

    static final List<String> TEMPLATES = List.of(
            "CREATE INDEX CONCURRENTLY {orders_idx} ON {@orders} ({customer_id})",
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {orders_idx} ON {@orders} ({customer_id})",
            "CREATE INDEX {orders_idx} ON ONLY {@orders} USING btree ({customer_id})",
            "DROP INDEX CONCURRENTLY IF EXISTS {orders_idx}",
            "DROP INDEX {orders_idx}",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY {orders_idx}",
            "REINDEX (CONCURRENTLY) TABLE {@orders}",
            "REINDEX (CONCURRENTLY false, VERBOSE) TABLE {@orders}",
            "REINDEX TABLE {@orders}",
            "REINDEX SCHEMA {app}",
            "REINDEX (VERBOSE) SYSTEM",
            "VACUUM (VERBOSE, FULL) {@orders}",
            "VACUUM FULL {@orders}",
            "VACUUM (ANALYZE) {@orders}",
            "VACUUM",
            "ANALYZE {@orders}",
            "CLUSTER",
            "CLUSTER {@orders} USING {orders_idx}",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY {@totals}",
            "REFRESH MATERIALIZED VIEW {@totals}",
            "ALTER TABLE IF EXISTS ONLY {@orders} DETACH PARTITION {@orders_2020} CONCURRENTLY",
            "ALTER TABLE {@orders} DETACH PARTITION {@orders_2020} FINALIZE",
            "ALTER TABLE {@orders} DETACH PARTITION {@orders_2020}",
            "ALTER TABLE {@orders} ADD COLUMN {token} uuid DEFAULT gen_random_uuid()",
            "ALTER TABLE {@orders} ADD COLUMN {note} text NOT NULL DEFAULT {'new'}",
            "ALTER TABLE {@orders} ALTER COLUMN {customer_id} SET NOT NULL",
            "ALTER TABLE {@orders} ADD CONSTRAINT {customer_nn} CHECK ({customer_id} IS NOT NULL) NOT VALID",
            "ALTER TABLE {@orders} VALIDATE CONSTRAINT {customer_nn}",
            "ALTER TABLE {@orders} ADD CONSTRAINT {customer_fk} FOREIGN KEY ({customer_id}) REFERENCES {@customers}",
            "ALTER TABLE {@orders} RENAME COLUMN {note} TO {remark}, ALTER COLUMN {total} TYPE bigint",
            "ALTER TABLE {@orders} ADD PRIMARY KEY USING INDEX {orders_idx}",
            "ALTER SYSTEM SET work_mem = {'64MB'}",
            "ALTER DATABASE {app} SET TABLESPACE {fast}",
            "LOCK TABLE ONLY {@orders} IN SHARE ROW EXCLUSIVE MODE NOWAIT",
            "CREATE DATABASE {app}",
            "DROP SUBSCRIPTION {feed}",
            "CREATE TABLESPACE {fast} LOCATION {'/ssd'}",
            "CREATE UNLOGGED TABLE IF NOT EXISTS {@refunds} ({id} bigint, {order_id} bigint)",
            "CREATE MATERIALIZED VIEW {@totals} AS SELECT 1",
            "SET search_path TO {app}, public",
            "SET LOCAL lock_timeout = {'5s'}",
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            "SET ROLE {admin}",
            "RESET ALL",
            "SELECT set_config({'app.tenant'}, {'a'}, false)",
            "SELECT set_config({'search_path'}, {''}, false)",
            "DO $$BEGIN SET search_path = app; END$$",
            "BEGIN",
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "COMMIT AND CHAIN",
            "ROLLBACK TO SAVEPOINT {before_change}",
            "COPY {@orders} ({customer_id}) FROM STDIN",
            "SELECT {'CREATE INDEX CONCURRENTLY i ON t (a)'}",
            "SELECT {'VACUUM FULL'} AS {concurrently}");

    @Test
    void factsDoNotChangeWithCaseSpacingCommentsOrQuoting() {
        for (int t = 0; t < TEMPLATES.size(); t++) {
            String template = TEMPLATES.get(t);
            String canonical = canonical(StatementAnalyzer.analyze(Variant.plain(template)));
            for (int v = 0; v < VARIANTS; v++) {
                long seed = t * 1_000L + v;
                String variant = Variant.of(template, new Random(seed));

                assertThat(canonical(StatementAnalyzer.analyze(variant)))
                        .as("seed %d, template %s, variant:%n%s", seed, template, variant).isEqualTo(canonical);
            }
        }
    }

    @Test
    void aScriptOfVariantsSplitsIntoTheSameStatementsWithTheSameFacts() {
        for (long seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            StringBuilder script = new StringBuilder();
            List<String> expected = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int k = 0; k < count; k++) {
                String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
                if (template.startsWith("COPY")) {
                    continue; // its rows would follow it in the script
                }
                expected.add(canonical(StatementAnalyzer.analyze(Variant.plain(template))));
                script.append(Variant.of(template, random)).append(Variant.separator(random)).append(';')
                        .append(random.nextBoolean() ? "\n" : Variant.separator(random));
            }

            List<String> split = SqlSplitter.split(script.toString()).stream()
                    .map(statement -> canonical(statement.facts())).toList();

            assertThat(split).as("seed %d, script:%n%s", seed, script).isEqualTo(expected);
        }
    }

    /**
     * The proof that the variants can catch a reader that looks at the text instead of the tokens:
     * the regular expression that decided "runs without lock_timeout" before this analysis (a
     * comment between {@code CREATE} and {@code INDEX}, or {@code VACUUM (VERBOSE, FULL)}, fooled
     * it) disagrees with itself across the variants of one statement.
     */
    @Test
    void theVariantsCatchAReaderOfTheRawText() {
        Pattern rawTextReader = Pattern.compile("(?is)^\\s*(?:CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\b"
                + "|VACUUM\\b(?!\\s*(?:\\(\\s*)?FULL\\b))");
        for (String template : List.of("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {orders_idx} ON {@orders} ({customer_id})",
                "VACUUM (VERBOSE, FULL) {@orders}")) {
            boolean plain = rawTextReader.matcher(Variant.plain(template)).find();
            boolean disagreed = false;
            for (int v = 0; v < VARIANTS && !disagreed; v++) {
                disagreed = rawTextReader.matcher(Variant.of(template, new Random(v))).find() != plain;
            }
            assertThat(disagreed).as("some variant of %s reads otherwise as raw text", template).isTrue();
        }
    }

    /**
     * The facts with relations by the name PostgreSQL resolves (the text as written differs from
     * variant to variant by design), and the statement named by its first word.
     */
    static String canonical(StatementFacts facts) {
        return "first=" + (facts.keywords().isEmpty() ? "" : facts.keywords().get(0))
                + " outside=" + facts.outsideTransaction().orElse("-")
                + " withoutLockTimeout=" + facts.withoutLockTimeout().orElse("-")
                + " lock=" + facts.lock().map(l -> l.mode().sqlName()).orElse("-")
                + " session=" + facts.session().settings().stream().sorted().toList() + "/role="
                + facts.session().role() + "/unknown=" + facts.session().unknown()
                + " transaction=" + facts.transactionControl()
                + " copy=" + facts.copiesFromStdin()
                + " lint=" + facts.lint().stream().map(StatementFactsGenerativeTest::canonical).toList();
    }

    private static String canonical(LintEvent event) {
        return event instanceof LintEvent.Risk risk
                ? "Risk " + risk.rule() + " " + risk.relationKey().orElse("-") + " " + risk.unlessValidated().orElse("-")
                : event.toString();
    }

    /** Writes a template out, one way or another. */
    static final class Variant {

        private static final String[] SEPARATORS = {" ", "  ", "\t", "\n", "\r\n ", " /* ; a comment */ ",
            "/* nested /* comment */ ; */", " -- a line comment; CONCURRENTLY\n", "\n\n\t ", " /**/ "};

        /** The template as written: bare identifiers, plain strings, single spaces. */
        static String plain(String template) {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) != null ? m.group(2)
                        : "'" + m.group(3) + "'"));
            }
            return m.appendTail(out).toString();
        }

        static String of(String template, Random random) {
            List<String> tokens = tokens(template, random);
            StringBuilder out = new StringBuilder(random.nextInt(3) == 0 ? separator(random).strip() + "\n" : "");
            for (int i = 0; i < tokens.size(); i++) {
                if (i > 0) {
                    out.append(mayTouch(tokens.get(i - 1), tokens.get(i)) && random.nextInt(3) == 0 ? ""
                            : separator(random));
                }
                out.append(tokens.get(i));
            }
            return out.toString();
        }

        static String separator(Random random) {
            return SEPARATORS[random.nextInt(SEPARATORS.length)];
        }

        /** Punctuation that no neighbour can merge with may stand without space. */
        private static boolean mayTouch(String before, String after) {
            return before.equals("(") || before.equals(")") || before.equals(",")
                    || after.equals("(") || after.equals(")") || after.equals(",");
        }

        /** The template's tokens, each written one way: keywords in any case, identifiers and strings as chosen. */
        private static List<String> tokens(String template, Random random) {
            List<String> tokens = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(template);
            int last = 0;
            while (m.find()) {
                keywordsAndPunctuation(template.substring(last, m.start()), random, tokens);
                tokens.add(m.group(2) != null ? identifier(m.group(2), "@".equals(m.group(1)), random)
                        : string(m.group(3), random));
                last = m.end();
            }
            keywordsAndPunctuation(template.substring(last), random, tokens);
            return tokens;
        }

        private static void keywordsAndPunctuation(String text, Random random, List<String> tokens) {
            SqlLexer lexer = new SqlLexer(text);
            while (lexer.next()) {
                String token = text.substring(lexer.start(), lexer.end());
                tokens.add(lexer.kind() == TokenKind.WORD ? anyCase(token, random) : token);
            }
        }

        private static String anyCase(String word, Random random) {
            return switch (random.nextInt(3)) {
                case 0 -> word.toLowerCase(Locale.ROOT);
                case 1 -> word.toUpperCase(Locale.ROOT);
                default -> {
                    StringBuilder mixed = new StringBuilder();
                    for (char c : word.toCharArray()) {
                        mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
                    }
                    yield mixed.toString();
                }
            };
        }

        /** One identifier, lower case, written so PostgreSQL resolves it to the same name. */
        private static String identifier(String name, boolean relation, Random random) {
            return switch (random.nextInt(relation ? 5 : 3)) {
                case 0 -> name;
                case 1 -> name.toUpperCase(Locale.ROOT);
                case 2 -> "\"" + name + "\"";
                case 3 -> "public." + name;
                default -> "\"public\" . \"" + name + "\"";
            };
        }

        private static String string(String value, Random random) {
            return switch (random.nextInt(4)) {
                case 0 -> "'" + value.replace("'", "''") + "'";
                case 1 -> "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
                case 2 -> "$$" + value + "$$";
                default -> "$tag$" + value + "$tag$";
            };
        }
    }
}
