package dev.lockstep.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlSplitterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("SELECT 1; SELECT 2;", List.of("SELECT 1", "SELECT 2")),
                Arguments.of("SELECT 1", List.of("SELECT 1")),
                Arguments.of("  ;;\n ; ", List.of()),
                Arguments.of("SELECT 'a;b'; SELECT 'it''s; fine'", List.of("SELECT 'a;b'", "SELECT 'it''s; fine'")),
                Arguments.of("SELECT E'it\\'s;'; SELECT 2", List.of("SELECT E'it\\'s;'", "SELECT 2")),
                Arguments.of("SELECT e'\\\\'; SELECT 2", List.of("SELECT e'\\\\'", "SELECT 2")),
                // Outside E'' a backslash is an ordinary character (standard_conforming_strings).
                Arguments.of("SELECT 'C:\\'; SELECT 2", List.of("SELECT 'C:\\'", "SELECT 2")),
                Arguments.of("SELECT \"a;b\"\"c\" FROM t; SELECT 2", List.of("SELECT \"a;b\"\"c\" FROM t", "SELECT 2")),
                Arguments.of("SELECT $$a;b$$; SELECT 2", List.of("SELECT $$a;b$$", "SELECT 2")),
                Arguments.of("SELECT $fn$ $$;$$ ; $fn$; SELECT 2", List.of("SELECT $fn$ $$;$$ ; $fn$", "SELECT 2")),
                Arguments.of("SELECT $1; SELECT a$b$c FROM t", List.of("SELECT $1", "SELECT a$b$c FROM t")),
                Arguments.of("SELECT 1 -- ; not here\n; SELECT 2", List.of("SELECT 1 -- ; not here", "SELECT 2")),
                Arguments.of("/* a; /* nested; */ still; */ SELECT 1; SELECT 2", List.of("SELECT 1", "SELECT 2")),
                Arguments.of("-- only a comment;\n/* and another; */", List.of()),
                Arguments.of("SELECT 1 /* x; */ + 1; SELECT 2", List.of("SELECT 1 /* x; */ + 1", "SELECT 2")),
                Arguments.of("SELECT U&'d\\0061t;a'; SELECT 2", List.of("SELECT U&'d\\0061t;a'", "SELECT 2")),
                Arguments.of("""
                        CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
                        BEGIN
                          IF NEW.x IS NULL THEN RAISE EXCEPTION 'x; missing'; END IF;
                          RETURN NEW;
                        END
                        $body$;
                        SELECT 2;
                        """, List.of("""
                        CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
                        BEGIN
                          IF NEW.x IS NULL THEN RAISE EXCEPTION 'x; missing'; END IF;
                          RETURN NEW;
                        END
                        $body$""", "SELECT 2")),
                Arguments.of("""
                        CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql
                        BEGIN ATOMIC
                          SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;
                          SELECT a;
                        END;
                        SELECT 3;
                        """, List.of("""
                        CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql
                        BEGIN ATOMIC
                          SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;
                          SELECT a;
                        END""", "SELECT 3")),
                Arguments.of("BEGIN; SELECT 1; COMMIT;", List.of("BEGIN", "SELECT 1", "COMMIT")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void splitsAtTopLevelSemicolonsOnly(String script, List<String> expected) {
        assertThat(SqlSplitter.split(script)).extracting(SqlStatement::text).containsExactlyElementsOf(expected);
    }

    @Test
    void eachStatementKnowsTheLineItStartsOn() {
        List<SqlStatement> statements = SqlSplitter.split("-- header\n\nSELECT 'a\nb';\n/* c\n */ SELECT $$\n$$;\n\n  SELECT 3");

        assertThat(statements).extracting(SqlStatement::line).containsExactly(3, 6, 9);
    }

    @Test
    void eachStatementComesWithItsFactsReadFromItsTokens() {
        SqlStatement statement = SqlSplitter.split("create /* x */ unique index concurrently \"Idx\" on t (a)").get(0);

        assertThat(statement.facts().keywords()).containsExactly("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY");
        assertThat(statement.facts().outsideTransaction()).contains("CREATE INDEX CONCURRENTLY");
    }

    @Test
    void unclosedConstructsAreErrorsAtTheLineWhereTheyOpen() {
        assertThatThrownBy(() -> SqlSplitter.split("SELECT 1;\nSELECT 'oops;\n"))
                .isInstanceOfSatisfying(FileProblem.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining("string opened with ' is never closed");
        assertThatThrownBy(() -> SqlSplitter.split("SELECT \"x"))
                .hasMessageContaining("quoted identifier opened with \" is never closed");
        assertThatThrownBy(() -> SqlSplitter.split("\n\n/* a /* b */ SELECT 1;"))
                .isInstanceOfSatisfying(FileProblem.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageContaining("block comment");
        assertThatThrownBy(() -> SqlSplitter.split("SELECT E'\\'"))
                .hasMessageContaining("never closed");
    }

    /** A random statement with the value the server must return for it. */
    record Generated(String sql, String value) {
    }

    private static final String ALPHABET = "ab;;'\"$-/*\\\n x";

    static Generated generate(Random random) {
        StringBuilder sql = new StringBuilder("SELECT ");
        StringBuilder value = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int p = 0; p < parts; p++) {
            if (p > 0) {
                sql.append(random.nextBoolean() ? " || " : " /* ; " + (random.nextBoolean() ? "/* ; */" : "") + " */ || ");
                if (random.nextInt(4) == 0) {
                    sql.append("-- ;'$$\n");
                }
            }
            String content = randomText(random);
            switch (random.nextInt(3)) {
                case 0 -> sql.append('\'').append(content.replace("'", "''")).append('\'');
                case 1 -> sql.append("E'").append(content.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
                default -> {
                    String tag = random.nextBoolean() ? "$$" : "$t" + random.nextInt(10) + "$";
                    if (content.contains(tag) || content.endsWith("$")) {
                        content = content.replace("$", "");
                    }
                    sql.append(tag).append(content).append(tag);
                }
            }
            value.append(content);
        }
        sql.append(" AS \"v;").append(random.nextInt(100)).append("\"\"\"");
        return new Generated(sql.toString(), value.toString());
    }

    private static String randomText(Random random) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    private static List<Generated> script(Random random, int count, StringBuilder out) {
        List<Generated> statements = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Generated g = generate(random);
            statements.add(g);
            out.append(g.sql()).append(switch (random.nextInt(4)) {
                case 0 -> ";";
                case 1 -> ";\n";
                case 2 -> " ;\n-- between; statements\n";
                default -> ";/* ; */\n\n";
            });
        }
        return statements;
    }

    @Test
    void randomScriptsSplitBackIntoTheirStatements() {
        Random random = new Random(20261121);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder script = new StringBuilder();
            List<Generated> statements = script(random, 1 + random.nextInt(6), script);

            assertThat(SqlSplitter.split(script.toString())).as("script %s", script)
                    .extracting(SqlStatement::text)
                    .containsExactlyElementsOf(statements.stream().map(Generated::sql).toList());
        }
    }

    @Test
    @Tag("database")
    void theServerAgreesWithTheSplitOnRandomStatements() throws Exception {
        // The splitter's idea of where strings end must be PostgreSQL's: run each split statement
        // and compare the value the server computes with the value the generator meant.
        Random random = new Random(7);
        StringBuilder script = new StringBuilder();
        List<Generated> statements = script(random, 300, script);
        List<SqlStatement> split = SqlSplitter.split(script.toString());
        assertThat(split).hasSameSizeAs(statements);
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            for (int i = 0; i < split.size(); i++) {
                try (ResultSet rs = s.executeQuery(split.get(i).text())) {
                    rs.next();
                    assertThat(rs.getString(1)).as(split.get(i).text()).isEqualTo(statements.get(i).value());
                }
            }
        }
    }
}
