package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** migrate, info and validate over tenants (schema-per-tenant), each a process of its own, with its exit status. */
class CliTenantsTest extends CliTestBase {

    private String tenants() {
        return schema.name() + "_a," + schema.name() + "_b";
    }

    @AfterEach
    void dropTenants() throws Exception {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + "_a CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + "_b CASCADE");
        }
    }

    @Test
    void validateInfoAndMigrateSummarizePerTenant() throws Exception {
        CliProcess.Result before = cli("validate", "--tenants=" + tenants());
        assertThat(before.exitCode()).as(before.err()).isEqualTo(3);
        assertThat(before.out()).contains(schema.name() + "_a: PENDING")
                .contains("2 tenant(s): 0 valid, 2 with pending migrations, 0 invalid");

        CliProcess.Result migrate = cli("migrate", "--tenants=" + tenants());
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("2 tenant(s): 2 migrated (4 migration(s) applied), 0 failed");

        CliProcess.Result info = cli("info", "--tenants=" + tenants());
        assertThat(info.out()).contains(schema.name() + "_b: 2 applied, 0 pending").contains("2 tenant(s)");
        assertThat(cli("validate", "--tenants=" + tenants()).exitCode()).isZero();
    }

    /**
     * Every command takes --tenants and acts in each tenant named, never in --url's own schema, where a
     * decoy customers table with the same name as the tenants' waits: undo's DELETE once emptied it.
     */
    @Test
    void everyCommandActsInTheTenantsNamedAndNeverInTheUrlsSchema() throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers VALUES (1), (2), (3)");
        }
        Files.writeString(migrations.resolve("1_customers.down.sql"), "DELETE FROM customers;\nDROP TABLE customers;");
        Files.writeString(migrations.resolve("2_orders.down.sql"), "DROP TABLE orders;");
        String a = schema.name() + "_a";
        assertThat(cli("migrate", "--tenants=" + tenants()).exitCode()).isZero();

        CliProcess.Result preview = cli("preview", "--tenants=" + a);
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("== tenant " + a).contains("Nothing would run: 2 migration(s) applied in " + a + ".");
        CliProcess.Result info = cli("info", "--tenants=" + a);
        assertThat(info.out()).contains("== tenant " + a).contains("customers").contains("applied");

        CliProcess.Result declined = cliWithInput("no\n", "undo", "--tenants=" + tenants(), "--last=1");
        assertThat(declined.exitCode()).isEqualTo(4);
        assertThat(declined.out()).contains("== tenant " + a).contains("Type yes to undo 2 migration(s) in 2 tenant(s)")
                .contains("Nothing changed.");

        CliProcess.Result undo = cli("undo", "--tenants=" + a, "--to=0", "--yes");
        assertThat(undo.exitCode()).as(undo.err()).isZero();
        assertThat(undo.out()).contains(a + ": Undid 2 migration(s) in " + a + ".lockstep_applied_migrations");
        assertThat(count("SELECT count(*) FROM customers")).as("the URL's own table").isEqualTo(3);
        assertThat(count("SELECT count(*) FROM " + a + ".lockstep_applied_migrations WHERE state = 'undone'"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM " + schema.name() + "_b.customers")).as("the other tenant").isZero();

        CliProcess.Result refused = cli("mark-undone", "--tenants=" + tenants(), "--version=1", "--yes");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("tenant " + a + ": Migration 1_customers has no interrupted undo");

        Files.writeString(migrations.resolve("2_orders.up.sql"), Files.readString(migrations.resolve("2_orders.up.sql"))
                + "\n-- a comment\n");
        // a re-applies its undone migrations from the files as they are now; b has the edit to accept.
        assertThat(cli("migrate", "--tenants=" + tenants()).exitCode()).isEqualTo(1);
        CliProcess.Result notEverywhere = cli("accept-checksum", "--tenants=" + tenants(), "--version=2", "--yes");
        assertThat(notEverywhere.exitCode()).as("refused in a, so changed nowhere").isEqualTo(1);
        assertThat(notEverywhere.err()).contains("tenant " + a + ": ").contains("has not changed since it was applied");
        assertThat(cli("validate", "--tenants=" + schema.name() + "_b").exitCode()).isEqualTo(1);
        CliProcess.Result accepted = cli("accept-checksum", "--tenants=" + schema.name() + "_b", "--version=2",
                "--yes");
        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        assertThat(accepted.out()).contains(schema.name() + "_b: Done: UPDATE");
        assertThat(cli("validate", "--tenants=" + tenants()).exitCode()).isZero();
        assertThat(count("SELECT count(*) FROM customers")).isEqualTo(3);
        assertThat(tableExists("lockstep_applied_migrations")).as("no tracker in the URL's schema").isFalse();
    }

    @Test
    void aNameThatCannotBeATenantStopsEveryCommandBeforeAnythingRuns() throws Exception {
        CliProcess.Result migrate = cli("migrate", "--tenants=" + schema.name() + "_a,information_schema");
        assertThat(migrate.exitCode()).isEqualTo(1);
        assertThat(migrate.err()).contains("'information_schema' is one of PostgreSQL's own schemas");
        assertThat(cli("undo", "--tenants=public", "--last=1", "--yes").err())
                .as("public only when listed, and then undo finds no tracker there").doesNotContain("default schema");
    }

    private long count(String sql) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aFailedTenantIsListedWithItsErrorAndTheExitStatusIsOne() throws Exception {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema.name() + "_b");
            s.execute("CREATE TABLE " + schema.name() + "_b.customers (id int)");
        }
        Files.writeString(migrations.resolve("2_orders.up.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);");

        CliProcess.Result migrate = cli("migrate", "--tenants=" + tenants(), "--on-failure=continue");

        assertThat(migrate.exitCode()).isEqualTo(1);
        assertThat(migrate.out()).contains(schema.name() + "_b: FAILED: Migration filesystem:")
                .contains("1_customers.up.sql failed").contains("2 tenant(s): 1 migrated");
    }
}
