package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every command end to end, each run as a process of its own on a real PostgreSQL, with its exit status. */
class CliTest extends CliTestBase {

    /** The default location is a place in an application's jar: a command-line user is told the flag. */
    @Test
    void withoutLocationsTheErrorNamesTheFlagAndAFolder() throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("info"));
        args.addAll(CliProcess.database(schema));

        CliProcess.Result result = CliProcess.run(dir, Map.of(), args.toArray(String[]::new));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no --locations given; point it at the folder that holds the migrations: "
                + "--locations=filesystem:DIR (or LOCKSTEP_LOCATIONS=filesystem:DIR)")
                .doesNotContain("src/main/resources");
    }

    @Test
    void migratePrintsALinePerMigrationAndExitsZero() throws Exception {
        CliProcess.Result result = cli("migrate");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("\\[1/2\\] filesystem:\\S+1_customers.up.sql applied in \\d+ ms "
                        + "\\(in a transaction\\)")
                .containsPattern("\\[2/2\\] filesystem:\\S+2_orders.up.sql applied in \\d+ ms \\(outside a transaction\\)")
                .contains("Applied 2 migration(s) to " + schema.name() + ".lockstep_applied_migrations");
        assertThat(cli("migrate").out()).as("run again").contains("Schema is up to date: 2 migration(s) applied");
    }

    @Test
    void infoListsEveryMigrationWithItsState() throws Exception {
        cli("migrate");
        Files.writeString(migrations.resolve("3_refunds.up.sql"), "CREATE TABLE refunds (id bigint);");

        CliProcess.Result result = cli("info");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().skip(1).map(line -> line.split("\\s+"))
                .map(columns -> columns[0] + " " + columns[1] + " " + columns[2]))
                .containsExactly("1 customers applied", "2 orders applied", "3 refunds pending");
    }

    @Test
    void infoShowsDottedVersionsAndRepeatableMigrationsAndOperatorActionsTakeThem() throws Exception {
        Files.writeString(migrations.resolve("V1.1__customer_email.sql"), "ALTER TABLE customers ADD COLUMN email text;");
        Files.writeString(migrations.resolve("R__customer_names.sql"), "-- lockstep:transaction=false\n"
                + "CREATE OR REPLACE VIEW customer_names AS SELECT id FROM customers;");
        assertThat(cli("migrate").exitCode()).isZero();
        try (var c = schema.connect(); var s = c.createStatement()) {
            s.execute("UPDATE lockstep_applied_migrations SET state = 'running' WHERE version_text = 'R'");
        }
        CliProcess.Result refused = cli("migrate");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("lockstep-cli mark-done --version=R --name=customer_names");

        CliProcess.Result marked = cli("mark-done", "--version=R", "--name=customer_names", "--yes");

        assertThat(marked.exitCode()).as(marked.err()).isZero();
        assertThat(cli("info").out().lines().skip(1).map(line -> line.split("\\s+"))
                .map(columns -> columns[0] + " " + columns[1] + " " + columns[2]))
                .containsExactly("1 customers applied", "1.1 customer_email applied", "2 orders applied",
                        "R customer_names applied");
        assertThat(cli("mark-done", "--version=R").err()).contains("--name");
    }

    @Test
    void migrateSaysWhenItAdoptsGolangMigratesHistoryAndAppliesOnlyWhatFollows() throws Exception {
        try (var c = schema.connect(); var s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id bigint PRIMARY KEY); CREATE TABLE IF NOT EXISTS \"" + schema.name()
                    + "\".\"schema_migrations\" (version bigint not null primary key, dirty boolean not null); "
                    + "INSERT INTO schema_migrations (version, dirty) VALUES (1, false)");
        }

        CliProcess.Result result = cli("migrate");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("Adopted 1 migration(s) from " + schema.name() + ".schema_migrations");
        assertThat(result.out()).doesNotContain("1_customers.up.sql").containsPattern("\\[1/1\\] \\S+2_orders.up.sql");
    }

    @Test
    void validateExitsThreeWhilePendingAndZeroOnceMigrated() throws Exception {
        CliProcess.Result pending = cli("validate");
        assertThat(pending.exitCode()).isEqualTo(3);
        assertThat(pending.err()).contains("2 migration(s) on disk are not applied").contains("Nothing was written");
        assertThat(trackerExists()).isFalse();

        cli("migrate");
        CliProcess.Result valid = cli("validate");
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("Valid: 2 migration(s) applied");
    }

    @Test
    void previewPrintsWhatWouldRunAndWritesNothing() throws Exception {
        CliProcess.Result result = cli("preview");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("2 migration(s) would run on").contains("nothing was written")
                .contains("line 1: CREATE TABLE customers (id bigint PRIMARY KEY)");
        assertThat(trackerExists()).isFalse();
        assertThat(tableExists("customers")).isFalse();
    }

    @Test
    void aFailedMigrationExitsOneNamingTheFileAndLine() throws Exception {
        Files.writeString(migrations.resolve("3_broken.up.sql"), "SELECT 1;\nINSERT INTO no_such_table VALUES (1);");

        CliProcess.Result result = cli("migrate");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("lockstep: Migration filesystem:").contains("3_broken.up.sql failed at line 2")
                .contains("no_such_table");
        assertThat(result.out()).contains("[2/3]").doesNotContain("[3/3]");
    }

    @Test
    void settingsComeFromTheEnvironmentAndFromAPropertiesFileWithTheBootNames() throws Exception {
        TestPostgres server = TestPostgres.get();
        Map<String, String> environment = Map.of("LOCKSTEP_URL", schema.jdbcUrl(), "LOCKSTEP_USER", server.user(),
                "LOCKSTEP_PASSWORD", server.password(), "LOCKSTEP_LOCATIONS", "filesystem:" + migrations);
        assertThat(CliProcess.run(dir, environment, "migrate").exitCode()).isZero();

        Files.writeString(dir.resolve("lockstep.properties"), "lockstep.url=" + schema.jdbcUrl() + "\nlockstep.user="
                + server.user() + "\nlockstep.password=" + server.password() + "\nlockstep.locations=filesystem:"
                + migrations + "\n");
        CliProcess.Result fromFile = CliProcess.run(dir, Map.of(), "validate");
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
    }

    @Test
    void aWrongCommandOptionOrSettingExitsTwoSayingWhatToFix() throws Exception {
        CliProcess.Result command = CliProcess.run(dir, Map.of(), "migrat");
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("unknown command 'migrat'; the commands are migrate, info, validate, preview");

        CliProcess.Result option = cli("migrate", "--lock-timeout=5m");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).contains("unknown option --lock-timeout (did you mean --lock.timeout?)");

        CliProcess.Result value = cli("migrate", "--ddl.lock-timeout=soon");
        assertThat(value.exitCode()).isEqualTo(2);
        assertThat(value.err()).contains("--ddl.lock-timeout='soon' cannot be read: give a duration such as 250ms");

        CliProcess.Result tenantsNowhere = cli("info", "--tenants=a", "--tenants.mode=database");
        assertThat(tenantsNowhere.exitCode()).isEqualTo(2);
        assertThat(tenantsNowhere.err()).contains("lockstep.tenants.url-template: is not set, and tenants.mode=database");

        CliProcess.Result noDatabase = CliProcess.run(dir, Map.of(), "migrate");
        assertThat(noDatabase.exitCode()).isEqualTo(2);
        assertThat(noDatabase.err()).contains("no database: give --url=").contains("LOCKSTEP_URL");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        CliProcess.Result top = CliProcess.run(dir, Map.of(), "--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("Commands:").contains("migrate").contains("--ddl.lock-timeout")
                .contains("Exit status: 0 done");
        for (String command : List.of("migrate", "info", "validate", "preview")) {
            CliProcess.Result help = CliProcess.run(dir, Map.of(), command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).startsWith("Usage: java -jar lockstep-cli.jar " + command);
        }
    }

    private boolean trackerExists() throws Exception {
        return tableExists("lockstep_applied_migrations");
    }
}
