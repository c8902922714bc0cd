package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code jobs}, {@code pause}, {@code resume}, {@code retry} and {@code run-jobs}, each a process of its own. */
class CliJobsTest extends CliTestBase {

    @BeforeEach
    void batchedMigration() throws Exception {
        Files.writeString(migrations.resolve("3_customer_rows.up.sql"), "ALTER TABLE customers ADD COLUMN tier int;\n"
                + "INSERT INTO customers (id) SELECT generate_series(1, 2000);");
        Files.writeString(migrations.resolve("4_backfill_tier.up.sql"), "-- lockstep:batched table=customers key=id\n"
                + "UPDATE customers SET tier = id % 3 WHERE id >= ${batch.from} AND id < ${batch.to}");
    }

    @AfterEach
    void dropTenants() throws Exception {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + "_a CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + "_b CASCADE");
        }
    }

    private long backfilled(String table) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE tier IS NOT NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void pauseAndResumeAJobFromTheCommandLine() throws Exception {
        assertThat(cli("migrate").exitCode()).isZero();
        CliProcess.Result listed = cli("jobs");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("4 backfill_tier (customers by id): pending, 0 of ~2000 rows");

        CliProcess.Result paused = cli("pause", "--version=4");
        assertThat(paused.exitCode()).as(paused.err()).isZero();
        assertThat(paused.out()).contains("4 backfill_tier (customers by id): paused");
        CliProcess.Result nothing = cli("run-jobs");
        assertThat(nothing.out()).contains("No job to run");
        assertThat(backfilled("customers")).isZero();
        CliProcess.Result again = cli("pause", "--version=4");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("Cannot pause the job of 4 backfill_tier: it is paused");

        assertThat(cli("resume", "--version=4").out()).contains("4 backfill_tier (customers by id): pending");
        CliProcess.Result ran = cli("run-jobs");
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        assertThat(ran.out()).contains("4 backfill_tier (customers by id): finished, 2000 of ~2000 rows")
                .contains("Ran 1 job(s): 1 finished");
        assertThat(backfilled("customers")).isEqualTo(2000);
        assertThat(cli("retry", "--version=4").err()).contains("retry acts on a failed job");
        assertThat(cli("pause").err()).contains("--version=V");
    }

    @Test
    void overTenantsEachTenantsJobs() throws Exception {
        String tenants = "--tenants=" + schema.name() + "_a," + schema.name() + "_b";
        assertThat(cli("migrate", tenants).exitCode()).isZero();
        assertThat(cli("pause", tenants, "--version=4").out()).contains(schema.name() + "_a: 4 backfill_tier")
                .contains(schema.name() + "_b: 4 backfill_tier");
        cli("resume", tenants, "--version=4");

        CliProcess.Result ran = cli("run-jobs", tenants);

        assertThat(ran.exitCode()).as(ran.err()).isZero();
        assertThat(ran.out()).contains(schema.name() + "_a: 4 backfill_tier (customers by id): finished")
                .contains("Ran 2 job(s): 2 finished");
        assertThat(backfilled(schema.name() + "_a.customers")).isEqualTo(2000);
        assertThat(backfilled(schema.name() + "_b.customers")).isEqualTo(2000);
        assertThat(cli("jobs", tenants).out()).contains("== tenant " + schema.name() + "_b")
                .contains("2 job(s): 2 finished in 2 tenant(s)");
    }
}
