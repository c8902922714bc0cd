package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code expansions} and {@code contract}, each a process of its own, with a session of the older release connected. */
class CliExpandTest extends CliTestBase {

    @BeforeEach
    void expandContractMigration() throws Exception {
        Files.writeString(migrations.resolve("3_customer_names.up.sql"), "ALTER TABLE customers ADD COLUMN name text;");
        Files.writeString(migrations.resolve("4_rename_customer_name.up.sql"), "-- lockstep:expand-contract\n"
                + "ALTER TABLE customers RENAME COLUMN name TO full_name;");
    }

    @Test
    void contractWaitsForTheOlderReleaseUnlessForced() throws Exception {
        assertThat(cli("migrate").exitCode()).isZero();
        try (Connection olderRelease = schema.connect(); Statement s = olderRelease.createStatement()) {
            s.execute("SET application_name = 'lockstep:3 orders-service'");

            CliProcess.Result listed = cli("expansions");
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("4 expanded, waiting for 1 session of version 3: rename column "
                    + "customers.name to full_name");

            CliProcess.Result waits = cli("contract");
            assertThat(waits.exitCode()).as(waits.err()).isEqualTo(3);
            assertThat(waits.out()).contains("4 expanded, waiting for 1 session of version 3")
                    .contains("1 expanded migration(s) not contracted");
            assertThat(tableHas("name")).isTrue();

            CliProcess.Result forced = cli("contract", "--force");
            assertThat(forced.exitCode()).as(forced.err()).isZero();
            assertThat(forced.out()).contains("4 contracted: rename column customers.name to full_name");
        }
        assertThat(tableHas("full_name")).isTrue();
        assertThat(tableHas("name")).isFalse();
        assertThat(cli("contract").out()).contains("4 contracted");
    }

    private boolean tableHas(String column) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_schema = '"
                        + schema.name() + "' AND table_name = 'customers' AND column_name = '" + column + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }
}
