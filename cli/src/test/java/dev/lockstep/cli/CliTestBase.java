package dev.lockstep.cli;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A schema of its own and two migrations for each test, and the command line pointed at both. */
abstract class CliTestBase {

    @TempDir
    Path dir;
    Path migrations;
    TestSchema schema;

    @BeforeEach
    void schemaAndMigrations() throws Exception {
        schema = TestPostgres.get().newSchema();
        migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1_customers.up.sql"), "CREATE TABLE customers (id bigint PRIMARY KEY);");
        Files.writeString(migrations.resolve("2_orders.up.sql"), "-- lockstep:transaction=false\n"
                + "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, customer_id bigint);");
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    /** The command with this test's database and migrations. */
    CliProcess.Result cli(String command, String... more) throws Exception {
        return cliWithInput("", command, more);
    }

    /** The same, with {@code input} typed on standard input. */
    CliProcess.Result cliWithInput(String input, String command, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(CliProcess.database(schema));
        args.add("--locations=filesystem:" + migrations);
        args.addAll(List.of(more));
        return CliProcess.runWithInput(dir, input, Map.of(), args.toArray(String[]::new));
    }

    boolean tableExists(String table) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
