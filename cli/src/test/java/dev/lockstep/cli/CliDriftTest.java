package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code drift}: its report and exit status, in one database and over tenants, each a process of its own. */
class CliDriftTest extends CliTestBase {

    @AfterEach
    void dropTenants() throws Exception {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + "_a CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + "_b CASCADE");
        }
    }

    @Test
    void driftPrintsEachDifferenceAndExitsWithFive() throws Exception {
        assertThat(cli("migrate").exitCode()).isZero();
        CliProcess.Result clean = cli("drift", "--drift.compare-with=replay");
        assertThat(clean.exitCode()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("No drift in ").contains("a replay of 2 applied migration(s)");

        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX orders_customer_hotfix ON orders (customer_id); ALTER TABLE customers ADD COLUMN note text");
        }
        CliProcess.Result drifted = cli("drift");

        assertThat(drifted.exitCode()).as(drifted.err()).isEqualTo(5);
        assertThat(drifted.out()).contains("2 object(s) differ from the snapshot stored by")
                .contains("  + column customers.note text")
                .contains("  + index orders_customer_hotfix: CREATE INDEX orders_customer_hotfix ON orders USING btree "
                        + "(customer_id)");
        CliProcess.Result ignored = cli("drift", "--drift.ignore=index *_hotfix,column customers.note");
        assertThat(ignored.exitCode()).isZero();
        assertThat(ignored.out()).contains("(2 ignored by lockstep.drift.ignore)");
    }

    @Test
    void overTenantsEachDriftedTenantShowsItsDifferencesThenASummary() throws Exception {
        String tenants = schema.name() + "_a," + schema.name() + "_b";
        assertThat(cli("migrate", "--tenants=" + tenants).exitCode()).isZero();
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + schema.name() + "_b.customers ADD COLUMN note text");
        }

        CliProcess.Result drift = cli("drift", "--tenants=" + tenants, "--drift.compare-with=replay");

        assertThat(drift.exitCode()).as(drift.err()).isEqualTo(5);
        assertThat(drift.out()).contains(schema.name() + "_a: no drift (replay)")
                .contains(schema.name() + "_b: DRIFT: Drift in ").contains("+ column customers.note text")
                .contains("2 tenant(s): 1 without drift, 1 with drift, 0 could not be compared");
    }
}
