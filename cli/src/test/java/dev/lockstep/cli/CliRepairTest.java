package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator actions, each as a process of its own on a real PostgreSQL: what they change, ask and refuse. */
class CliRepairTest extends CliTestBase {

    @BeforeEach
    void migrated() throws Exception {
        assertThat(cli("migrate").exitCode()).isZero();
    }

    @Test
    void markDoneRecordsAnInterruptedMigrationAsAppliedAfterAYes() throws Exception {
        interrupt(2);
        assertThat(cli("validate").exitCode()).as("interrupted").isEqualTo(1);

        CliProcess.Result result = cliWithInput("yes\n", "mark-done", "--version=2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("This will run: UPDATE").contains("SET state = 'applied'")
                .contains("Type yes to go on: ").contains("Done: UPDATE");
        assertThat(cli("validate").exitCode()).isZero();
    }

    @Test
    void withoutAYesNothingChanges() throws Exception {
        interrupt(2);

        CliProcess.Result result = cliWithInput("no\n", "forget", "--version=2");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).contains("This will run: DELETE").contains("Nothing changed.");
        assertThat(state(2)).isEqualTo("running");
    }

    @Test
    void forgetDeletesTheRowSoMigrateAppliesItAgain() throws Exception {
        interrupt(2);

        assertThat(cli("forget", "--version=2", "--yes").exitCode()).isZero();

        assertThat(state(2)).isNull();
        CliProcess.Result again = cli("migrate");
        assertThat(again.out()).contains("[1/1]").contains("2_orders.up.sql applied");
    }

    @Test
    void anActionThatDoesNotFitTheRowIsRefused() throws Exception {
        CliProcess.Result result = cli("mark-done", "--version=1", "--yes");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("Migration 1_customers is not interrupted (its row is 'applied')");
        CliProcess.Result forget = cli("forget", "--version=1", "--yes");
        assertThat(forget.err()).contains("Forgetting an applied migration would apply it again");
    }

    @Test
    void acceptChecksumRecordsAnEditedFile() throws Exception {
        Files.writeString(migrations.resolve("1_customers.up.sql"),
                "-- customers of the shop\nCREATE TABLE customers (id bigint PRIMARY KEY);");
        assertThat(cli("validate").err()).contains("changed after it was applied");

        assertThat(cli("accept-checksum", "--version=1", "--yes").exitCode()).isZero();

        assertThat(cli("validate").exitCode()).isZero();
        assertThat(cli("accept-checksum", "--version=1", "--yes").err()).contains("has not changed");
    }

    @Test
    void acceptRenameRecordsARenamedFile() throws Exception {
        Files.move(migrations.resolve("1_customers.up.sql"), migrations.resolve("1_clients.up.sql"));
        assertThat(cli("validate").err()).contains("was applied as 'customers'");

        CliProcess.Result result = cli("accept-rename", "--version=1", "--yes");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("SET name = 'clients'");
        assertThat(cli("validate").exitCode()).isZero();
    }

    @Test
    void anActionWaitsForNoRunnerItIsRefusedWhileTheMigrationLockIsHeld() throws Exception {
        interrupt(2);
        try (Connection holder = schema.connect(); Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + schema.lockKey() + ")");

            CliProcess.Result result = cli("mark-done", "--version=2", "--yes", "--lock.key=" + schema.lockKey());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("Another runner holds the migration lock");
        }
        assertThat(state(2)).isEqualTo("running");
    }

    @Test
    void aMissingVersionIsAUsageError() throws Exception {
        CliProcess.Result result = cli("mark-done", "--yes");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--version=V");
    }

    private void interrupt(long version) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE lockstep_applied_migrations SET state = 'running' WHERE version = " + version);
        }
    }

    private String state(long version) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT state FROM lockstep_applied_migrations WHERE version = " + version)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
