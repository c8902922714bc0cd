package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Files;
import java.sql.Connection;
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
