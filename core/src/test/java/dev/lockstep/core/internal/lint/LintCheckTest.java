package dev.lockstep.core.internal.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.LintFinding;
import dev.lockstep.core.LintRule;
import dev.lockstep.core.MigrationLintTest;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The lint on the statements' facts alone, without a database: the same cases as
 * {@link MigrationLintTest}, which also applies each to PostgreSQL to show the SQL is real.
 */
class LintCheckTest {

    static Stream<Arguments> cases() {
        return MigrationLintTest.cases();
    }

    @ParameterizedTest(name = "{0}, risky {2}: {1}")
    @MethodSource("cases")
    void eachRuleFindsTheRiskyFormAndNotTheSafeOne(String rule, String sql, boolean risky) {
        List<LoadedMigration> migrations = List.of(migration(1, "existing", MigrationLintTest.EXISTING_TABLES),
                migration(2, "change", sql));

        List<String> rules = LintCheck.findings(migrations, m -> true).stream()
                .peek(f -> assertThat(f.file()).as("the existing tables' own migration").endsWith("2_change.up.sql"))
                .map(f -> f.rule().id()).toList();

        if (risky) {
            assertThat(rules).contains(rule);
        } else {
            assertThat(rules).doesNotContain(rule);
        }
    }

    @Test
    void onlyTheChosenMigrationsAreReportedButEveryEarlierOneCounts() {
        List<LoadedMigration> migrations = List.of(
                migration(1, "check", "ALTER TABLE orders ADD CONSTRAINT c CHECK (customer_id IS NOT NULL) NOT VALID;"),
                migration(2, "validate", "ALTER TABLE orders VALIDATE CONSTRAINT c;"),
                migration(3, "not_null", "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n"
                        + "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;"),
                migration(4, "later", "CREATE INDEX i ON orders (note);"));

        List<LintFinding> findings = LintCheck.findings(migrations, m -> m.version().is(3));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(LintRule.SET_NOT_NULL);
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.relation()).isEqualTo("orders");
            assertThat(f.statement()).isEqualTo("ALTER TABLE orders ALTER COLUMN note SET NOT NULL");
        });
        assertThat(LintCheck.findings(migrations, m -> false)).isEmpty();
    }

    @Test
    void aCheckValidatedInAnotherTablesNameOrNeverValidatedLeavesSetNotNullRisky() {
        List<LoadedMigration> migrations = List.of(
                migration(1, "check", "ALTER TABLE orders ADD CONSTRAINT c CHECK (customer_id IS NOT NULL) NOT VALID;\n"
                        + "ALTER TABLE refunds ADD CONSTRAINT r CHECK (customer_id IS NOT NULL) NOT VALID;\n"
                        + "ALTER TABLE refunds VALIDATE CONSTRAINT r;"),
                migration(2, "not_null", "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;"));

        assertThat(LintCheck.findings(migrations, m -> true)).extracting(f -> f.rule().id())
                .containsExactly("set-not-null");
    }

    @Test
    void aFilesDirectiveAcceptsItsRulesOnly() {
        List<LoadedMigration> migrations = List.of(migration(1, "accepted",
                "-- lockstep:lint-ignore=rename\nALTER TABLE orders RENAME TO purchases;\nDROP INDEX orders_idx;"));

        assertThat(LintCheck.findings(migrations, m -> true)).extracting(f -> f.rule().id())
                .containsExactly("drop-index-not-concurrent");
    }

    @Test
    void whatAnEarlierMigrationCreatedIsNoLongerNew() {
        List<LoadedMigration> migrations = List.of(migration(1, "create", "CREATE TABLE refunds (id int);"),
                migration(2, "index", "CREATE INDEX refunds_id ON refunds (id);"));

        assertThat(LintCheck.findings(migrations, m -> true)).extracting(f -> f.rule().id() + " " + f.relation())
                .containsExactly("index-not-concurrent refunds");
    }

    private static LoadedMigration migration(long version, String name, String sql) {
        return LoadedMigration.ofText(new MigrationId(version, name), "f/" + version + "_" + name + ".up.sql", sql);
    }
}
