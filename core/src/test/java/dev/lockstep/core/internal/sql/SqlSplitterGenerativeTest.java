package dev.lockstep.core.internal.sql;

import dev.lockstep.core.Sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scripts built from random mixes of the forms in which a semicolon does not end a statement
 * (quotes, {@code E''} escapes, dollar tags, quoted identifiers, nested comments, {@code BEGIN
 * ATOMIC} bodies), with the statement boundaries known from how they were built. The splitter must
 * find exactly those statements on exactly their lines; for a sample, PostgreSQL's own parser
 * (the body of a SQL function) must agree about what the statements do.
 */
class SqlSplitterGenerativeTest {

    private static final int SCRIPTS = 400;
    private static final int CHECKED_BY_POSTGRES = 25;

    @Test
    void theSplitterFindsTheStatementsEveryScriptWasBuiltFrom() {
        for (int seed = 0; seed < SCRIPTS; seed++) {
            Script script = Script.generate(new Random(seed), true);

            List<SqlStatement> split = SqlSplitter.split(script.text());

            assertThat(split).as("seed %d, script:%n%s", seed, script.text())
                    .extracting(SqlStatement::text).containsExactlyElementsOf(script.statements());
            assertThat(split).as("lines, seed %d, script:%n%s", seed, script.text())
                    .extracting(SqlStatement::line).containsExactlyElementsOf(script.lines());
        }
    }

    @Test
    @Tag("database")
    void postgresqlRunsTheWholeScriptAndTheSplitStatementsToTheSameEffect() throws SQLException {
        try (TestSchema schema = TestPostgres.get().newSchema(); Connection c = schema.connect();
                Statement s = c.createStatement()) {
            // Migration text is SQL, not JDBC: no {fn ...} escapes may be rewritten in it.
            s.setEscapeProcessing(false);
            s.execute("CREATE TABLE seen (script int, k int, v text)");
            // SQL-standard function bodies came with PostgreSQL 14.
            boolean atomicBodies = TestPostgres.get().majorVersion() >= 14;
            for (int seed = 0; seed < CHECKED_BY_POSTGRES; seed++) {
                Script script = Script.generate(new Random(seed), atomicBodies);
                // PostgreSQL splits a SQL function's body with its own lexer and parser.
                s.execute("CREATE OR REPLACE FUNCTION whole() RETURNS void LANGUAGE sql AS $whole_script$"
                        + script.text().replace("@script", String.valueOf(1000 + seed)) + "\n$whole_script$");
                s.execute("SELECT whole()");
                for (SqlStatement statement : SqlSplitter.split(script.text())) {
                    s.execute(statement.text().replace("@script", String.valueOf(seed)));
                }
                List<Map<String, Object>> whole = Sql.rows(c,
                        "SELECT k, v FROM seen WHERE script = " + (1000 + seed) + " ORDER BY k");
                List<Map<String, Object>> split = Sql.rows(c,
                        "SELECT k, v FROM seen WHERE script = " + seed + " ORDER BY k");
                assertThat(split).as("seed %d, script:%n%s", seed, script.text()).isEqualTo(whole)
                        .hasSize(script.inserts());
            }
        }
    }

    /** A script and what it was built from. */
    record Script(String text, List<String> statements, List<Integer> lines, int inserts) {

        static Script generate(Random random, boolean atomicBodies) {
            StringBuilder text = new StringBuilder();
            List<String> statements = new ArrayList<>();
            List<Integer> lines = new ArrayList<>();
            int inserts = 0;
            int count = 1 + random.nextInt(6);
            for (int k = 1; k <= count; k++) {
                text.append(gap(random));
                String statement = random.nextInt(4) == 0 && atomicBodies ? atomicFunction(random, k) : insert(random, k);
                inserts += statement.startsWith("INSERT") ? 1 : 0;
                lines.add(1 + (int) text.chars().filter(ch -> ch == '\n').count());
                statements.add(statement);
                text.append(statement).append(';');
            }
            if (random.nextBoolean()) {
                text.append(gap(random));
            }
            return new Script(text.toString(), statements, lines, inserts);
        }

        /** What may stand between statements: space, comments holding semicolons, empty statements. */
        private static String gap(Random random) {
            return switch (random.nextInt(6)) {
                case 0 -> "\n";
                case 1 -> "\n-- a comment; with a semicolon\n";
                case 2 -> "\n/* a block; /* nested; */ comment */\n";
                case 3 -> "\n;\n";
                case 4 -> " ";
                default -> "\n\n";
            };
        }

        /** An INSERT whose value is built from fragments that each hide a semicolon. */
        private static String insert(Random random, int k) {
            StringBuilder value = new StringBuilder("concat(''");
            int fragments = random.nextInt(5);
            for (int i = 0; i < fragments; i++) {
                value.append(",").append(random.nextBoolean() ? "\n" : " ").append(fragment(random));
            }
            value.append(")");
            return "INSERT INTO seen SELECT @script, " + k + ", " + value + " AS \"v;\"\"" + k + "\"";
        }

        private static String fragment(Random random) {
            return switch (random.nextInt(9)) {
                case 0 -> "'semi;colon'";
                case 1 -> "'it''s; here'";
                case 2 -> "E'back\\'slash;'";
                case 3 -> "$$dollar;$$";
                case 4 -> "$tag$ inner $$;$$ and; $tag$";
                case 5 -> "'multi;\nline'";
                case 6 -> "/* comment; /* nested; */ */ 'after'";
                case 7 -> "-- line comment; here\n'next'";
                default -> "(SELECT 'sub' AS \"quoted;\"\"ident\")";
            };
        }

        /** A SQL-standard function body: its semicolons belong to it, CASE ... END included. */
        private static String atomicFunction(Random random, int k) {
            String body = random.nextBoolean()
                    ? "SELECT 1;\n  SELECT CASE WHEN true THEN " + k + " ELSE 0 END;"
                    : "SELECT " + k + ";";
            return "CREATE OR REPLACE FUNCTION atomic_" + k + "() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  "
                    + body + "\nEND";
        }
    }
}
