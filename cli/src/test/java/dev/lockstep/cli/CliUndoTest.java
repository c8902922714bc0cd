package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** undo as an operator runs it: it shows every down, asks for yes, and exits 4 when not confirmed. */
class CliUndoTest extends CliTestBase {

    private void downs() throws Exception {
        Files.writeString(migrations.resolve("1_customers.down.sql"), "DROP TABLE customers;");
        Files.writeString(migrations.resolve("2_orders.down.sql"), "-- lockstep:transaction=false\nDROP TABLE orders;");
    }

    @Test
    void withoutAYesNothingIsUndoneAndTheExitStatusIsFour() throws Exception {
        downs();
        cli("migrate");

        CliProcess.Result result = cliWithInput("no\n", "undo", "--last=1");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).contains("Undo 1 migration(s) in " + schema.name() + ".lockstep_applied_migrations")
                .contains("2_orders.down.sql (kept in the tracker, outside a transaction)").contains("DROP TABLE orders;")
                .contains("Nothing changed.");
        assertThat(tableExists("orders")).isTrue();
    }

    @Test
    void aYesUndoesWhatWasShownAndMigrateAppliesItAgain() throws Exception {
        downs();
        cli("migrate");

        CliProcess.Result result = cliWithInput("yes\n", "undo", "--to=0");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Undid 2 migration(s)");
        assertThat(tableExists("customers")).isFalse();
        assertThat(cli("migrate").out()).contains("Applied 2 migration(s)");
    }

    @Test
    void aMigrationWithoutADownStopsTheUndoWithExitOne() throws Exception {
        cli("migrate");

        CliProcess.Result result = cli("undo", "--last=1", "--yes");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("Cannot undo: 2_orders (orders) has no down SQL");
        assertThat(tableExists("orders")).isTrue();
    }

    @Test
    void neitherToNorLastIsAUsageError() throws Exception {
        CliProcess.Result result = cli("undo");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--to=V").contains("--last=N");
    }
}
