package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestSchema;
import java.util.List;
import java.util.Map;

/**
 * The concurrency tests' shared scenario: five migrations that are deliberately not idempotent, so
 * a second application is an error or a visible duplicate, never silent, and the checks of its
 * end state.
 */
public final class Scenario {

    /** How many runners the concurrency tests start at once. */
    public static final int RUNNERS = 16;

    private Scenario() {
    }

    public static MigrationDir write(MigrationDir files) {
        return files
                .add("0001_accounts.up.sql", "CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL);")
                .add("0002_email.up.sql", "ALTER TABLE accounts ADD COLUMN email text;")
                .add("0003_first_account.up.sql", "INSERT INTO accounts (id, name) VALUES (1, 'first');")
                .add("0004_ledger.up.sql", "CREATE TABLE ledger (account_id int REFERENCES accounts, amount int);")
                .add("0005_opening_balance.up.sql", """
                        INSERT INTO ledger VALUES (1, 100);
                        UPDATE accounts SET name = name || '!' WHERE id = 1;
                        """);
    }

    /** No runner failed, the five were applied five times in all, and the schema shows each once. */
    public static void assertEachAppliedOnce(TestSchema schema, List<Runners.Outcome> outcomes) {
        assertThat(outcomes).as("runner errors").allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(outcomes.stream().mapToInt(Runners.Outcome::appliedCount).sum())
                .as("migrations applied across all runners").isEqualTo(5);
        assertMigratedOnce(schema);
    }

    /** The end state of the five migrations, each applied exactly once. */
    public static void assertMigratedOnce(TestSchema schema) {
        assertThat(Sql.tracker(schema)).containsExactly("1_accounts:applied", "2_email:applied",
                "3_first_account:applied", "4_ledger:applied", "5_opening_balance:applied");
        assertThat(Sql.rows(schema, "SELECT id, name FROM accounts"))
                .containsExactly(Map.of("id", 1, "name", "first!"));
        assertThat(Sql.count(schema, "SELECT count(*) FROM ledger")).isEqualTo(1);
    }
}
