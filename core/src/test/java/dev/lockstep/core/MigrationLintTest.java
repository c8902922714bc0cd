package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each lint rule with a risky statement and its safe counterpart. Every case is a real migration:
 * it is applied to a real PostgreSQL after an earlier migration created the tables, so the SQL
 * the lint reads is SQL PostgreSQL accepts.
 */
public class MigrationLintTest extends SchemaTestBase {

    public static final String EXISTING_TABLES = """
            CREATE TABLE customers (id bigint PRIMARY KEY);
            CREATE TABLE orders (id bigint, customer_id bigint, note varchar(20), total int);
            CREATE INDEX orders_total_idx ON orders (total);
            CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
            CREATE UNIQUE INDEX order_totals_customer ON order_totals (customer_id);
            """;

    public static Stream<Arguments> cases() {
        return Stream.of(
                risky("index-not-concurrent", "CREATE INDEX orders_customer_idx ON orders (customer_id);"),
                safe("index-not-concurrent", "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"),
                safe("index-not-concurrent", "CREATE TABLE refunds (id bigint, order_id bigint);\n"
                        + "CREATE INDEX refunds_order_idx ON refunds (order_id);"),

                risky("drop-index-not-concurrent", "DROP INDEX orders_total_idx;"),
                safe("drop-index-not-concurrent", "DROP INDEX CONCURRENTLY orders_total_idx;"),

                risky("reindex-not-concurrent", "REINDEX TABLE orders;"),
                safe("reindex-not-concurrent", "REINDEX TABLE CONCURRENTLY orders;"),

                risky("refresh-not-concurrent", "REFRESH MATERIALIZED VIEW order_totals;"),
                safe("refresh-not-concurrent", "REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;"),

                risky("volatile-default", "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();"),
                risky("volatile-default", "ALTER TABLE orders ADD COLUMN seq bigserial;"),
                risky("volatile-default", "ALTER TABLE orders ADD COLUMN doubled int GENERATED ALWAYS AS (total * 2) STORED;"),
                safe("volatile-default", "ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT now();"),
                safe("volatile-default", "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';"),

                risky("column-type-change", "ALTER TABLE orders ALTER COLUMN id TYPE numeric(20, 0);"),
                risky("column-type-change", "ALTER TABLE ONLY orders ALTER note SET DATA TYPE varchar(40);"),
                safe("column-type-change", "CREATE TABLE refunds (amount int);\n"
                        + "ALTER TABLE refunds ALTER COLUMN amount TYPE bigint;"),

                risky("set-not-null", "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;"),
                safe("set-not-null", """
                        ALTER TABLE orders ADD CONSTRAINT orders_customer_not_null CHECK (customer_id IS NOT NULL) NOT VALID;
                        ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_not_null;
                        ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
                        """),

                risky("foreign-key-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk "
                        + "FOREIGN KEY (customer_id) REFERENCES customers (id);"),
                risky("foreign-key-without-not-valid", "ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES customers;"),
                safe("foreign-key-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk "
                        + "FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n"
                        + "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;"),

                risky("check-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);"),
                safe("check-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_total_positive "
                        + "CHECK (total > 0) NOT VALID;"),

                risky("unique-without-index", "ALTER TABLE orders ADD PRIMARY KEY (id);"),
                risky("unique-without-index", "ALTER TABLE orders ADD CONSTRAINT orders_note_key UNIQUE (note);"),
                safe("unique-without-index", "CREATE UNIQUE INDEX CONCURRENTLY orders_id_idx ON orders (id);\n"
                        + "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx;"),

                risky("rename", "ALTER TABLE orders RENAME COLUMN note TO remark;"),
                risky("rename", "ALTER TABLE orders RENAME TO purchases;"),
                safe("rename", "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;\n"
                        + "ALTER TABLE orders RENAME CONSTRAINT orders_total_positive TO orders_total_above_zero;"),

                risky("vacuum-full", "VACUUM FULL orders;"),
                risky("vacuum-full", "VACUUM (FULL, ANALYZE) orders;"),
                safe("vacuum-full", "VACUUM (ANALYZE) orders;"),

                risky("cluster", "CLUSTER orders USING orders_total_idx;"),
                safe("cluster", "CREATE TABLE scratch (id int);\nCREATE INDEX scratch_id ON scratch (id);\n"
                        + "CLUSTER scratch USING scratch_id;"),

                risky("lock-table", "LOCK TABLE orders IN SHARE MODE;"),
                safe("lock-table", "CREATE TABLE staging (id int);\nLOCK TABLE staging;"));
    }

    private static Arguments risky(String rule, String sql) {
        return Arguments.of(rule, sql, true);
    }

    private static Arguments safe(String rule, String sql) {
        return Arguments.of(rule, sql, false);
    }

    @ParameterizedTest(name = "{0}, risky {2}: {1}")
    @MethodSource("cases")
    void eachRuleFindsTheRiskyFormAndNotTheSafeOne(String rule, String sql, boolean risky) {
        files.add("1_existing.up.sql", EXISTING_TABLES).add("2_change.up.sql", sql);
        Lockstep lockstep = configure().load();

        List<LintFinding> findings = lockstep.lint(migration -> true);
        // Real SQL: PostgreSQL applies both files.
        assertThat(lockstep.migrate().applied()).hasSize(2);

        assertThat(findings).as("the existing tables' own migration").noneMatch(f -> f.file().endsWith("1_existing.up.sql"));
        List<String> rules = findings.stream().map(f -> f.rule().id()).toList();
        if (risky) {
            assertThat(rules).contains(rule);
            LintFinding finding = findings.stream().filter(f -> f.rule().id().equals(rule)).findFirst().orElseThrow();
            assertThat(finding.file()).endsWith("2_change.up.sql");
            assertThat(finding.describe()).contains(LintRule.byId(rule).orElseThrow().safeAlternative())
                    .contains("-- lockstep:lint-ignore=" + rule);
        } else {
            assertThat(rules).doesNotContain(rule);
        }
    }

    /**
     * PostgreSQL 18's NOT NULL constraint added to an existing table scans it as SET NOT NULL does;
     * NOT VALID, then VALIDATE CONSTRAINT, does not. Linted on every version; applied on 18.
     */
    @Test
    void postgres18sAddConstraintNotNullIsSetNotNullUnlessNotValid() {
        files.add("1_existing.up.sql", EXISTING_TABLES)
                .add("2_required.up.sql", "ALTER TABLE orders ADD CONSTRAINT orders_customer_required NOT NULL customer_id;")
                .add("3_note_required.up.sql", "ALTER TABLE orders ADD CONSTRAINT orders_note_required NOT NULL note "
                        + "NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_note_required;");
        Lockstep lockstep = configure().load();

        List<LintFinding> findings = lockstep.lint(migration -> true);

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo(LintRule.SET_NOT_NULL);
            assertThat(finding.file()).endsWith("2_required.up.sql");
        });
        if (TestPostgres.get().majorVersion() >= 18) {
            assertThat(lockstep.migrate().applied()).hasSize(3);
        }
    }

    @Test
    void everyRuleHasACase() {
        List<String> covered = cases().map(a -> (String) a.get()[0]).distinct().toList();
        // The rules about what a down loses have their cases in DownLintTest.
        assertThat(covered).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(LintRule.values()).filter(rule -> !rule.losesData()).map(LintRule::id).toList());
    }

    @Test
    void aFileAcceptsARuleWithADirective() {
        files.add("1_existing.up.sql", EXISTING_TABLES).add("2_change.up.sql",
                "-- lockstep:lint-ignore=index-not-concurrent, rename\n"
                        + "CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
                        + "ALTER TABLE orders RENAME COLUMN note TO remark;\n"
                        + "ALTER TABLE orders ALTER COLUMN id TYPE numeric(20, 0);");

        List<LintFinding> findings = configure().load().lint(migration -> true);

        assertThat(findings).extracting(f -> f.rule().id()).containsExactly("column-type-change");
        assertThat(findings.get(0).line()).isEqualTo(4);
    }

    @Test
    void anUnknownRuleInTheDirectiveIsAnErrorListingTheRules() {
        files.add("1_change.up.sql", "-- lockstep:lint-ignore=index-not-concurent\nCREATE INDEX i ON t (a);");

        assertThatThrownBy(() -> configure().load().scan()).isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("1_change.up.sql, line 1")
                .hasMessageContaining("'index-not-concurent'")
                .hasMessageContaining("index-not-concurrent, drop-index-not-concurrent");
    }

    @Test
    void namesAreMatchedAsPostgresqlFoldsThem() {
        files.add("1_existing.up.sql", EXISTING_TABLES).add("2_change.up.sql", """
                CREATE TABLE "Refunds" (id bigint);
                CREATE INDEX refunds_id ON "Refunds" (id);
                CREATE INDEX refunds_id_2 ON Refunds (id);
                """);

        assertThat(configure().load().lint(migration -> true)).extracting(LintFinding::relation)
                .as("Refunds folds to refunds, another table than \"Refunds\"").containsExactly("Refunds");
    }

    @Test
    void atStartupEachRiskyPendingStatementOnAnExistingTableIsAWarningAndNewTablesAreNot() {
        files.add("1_existing.up.sql", EXISTING_TABLES);
        migrate();
        files.add("2_returns.up.sql", "CREATE TABLE returns (id bigint, order_id bigint);")
                .add("3_indexes.up.sql", "CREATE INDEX returns_order_idx ON returns (order_id);\n"
                        + "CREATE INDEX orders_customer_idx ON orders (customer_id);");

        List<String> log = LogCapture.during("dev.lockstep.core.internal.run.PendingLintWarnings", () -> {
            assertThat(migrate().applied()).hasSize(2);
        });

        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("WARNING Risky pending statement on a table that already exists: ")
                .contains("3_indexes.up.sql, line 2: index-not-concurrent on orders")
                .contains("CREATE INDEX CONCURRENTLY");
    }
}
