package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.autoconfigure.actuate.health.LockstepHealthAutoConfiguration;
import dev.lockstep.autoconfigure.actuate.health.LockstepHealthIndicator;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.TenantState;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What a service that moved from Flyway meets as it grows, done as its user did it: a tenants target
 * beside its own migrations, a misspelled key, an undo across targets, a failed main set with
 * {@code fail-on-error=false}.
 */
class GrowingServiceTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LockstepAutoConfiguration.class,
                    LockstepHealthAutoConfiguration.class));

    @TempDir
    Path folder;

    private final String prefix = "grow_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    private TestSchema app;
    private String main;
    private String tenants;

    @BeforeEach
    void serviceWithItsOwnMigrationsAndTenantFiles() throws IOException {
        app = TestPostgres.get().newSchema();
        // The main set creates the table the tenants query reads: it must run first.
        main = files("main", "1_customers.up.sql", "CREATE TABLE customers (id int);",
                "2_shops.up.sql", "CREATE TABLE shops (name text); INSERT INTO shops VALUES ('" + prefix + "1'), ('"
                        + prefix + "2');",
                "2_shops.down.sql", "DROP TABLE shops;");
        tenants = files("tenants", "1_accounts.up.sql", "CREATE TABLE accounts (id int);");
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (int i = 1; i <= 2; i++) {
                s.execute("DROP SCHEMA IF EXISTS \"" + prefix + i + "\" CASCADE");
            }
        }
        app.close();
    }

    private ApplicationContextRunner service(String... more) {
        return contextRunner.withBean(DataSource.class, app::dataSource)
                // lockstep.schema, as a service from Flyway sets it, is the main set's: the schema tenants keep theirs.
                .withPropertyValues("lockstep.locations=" + main, "lockstep.schema=" + app.name(),
                        "lockstep.targets.tenants.locations=" + tenants,
                        "lockstep.targets.tenants.tenants.query=SELECT name FROM " + app.name() + ".shops ORDER BY 1")
                .withPropertyValues(more);
    }

    @Test
    void theMainSetRunsFirstAsTargetMainBesideATenantsTarget() {
        service().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(exists(app.name() + ".customers")).as("the main set's files, not silently skipped").isTrue();
            LockstepFleet fleet = context.getBean(LockstepTargets.class).fleet("tenants").orElseThrow();
            assertThat(fleet.state(prefix + "2")).as("the query read the table main created").isEqualTo(
                    TenantState.MIGRATED);
            assertThat(context.getBean(LockstepTargets.class).all()).extracting(LockstepTargets.Target::name)
                    .containsExactly("main", "tenants");
            Health health = context.getBean(LockstepHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
        });
    }

    /** lockstep.url gives the main set its connection beside targets too, as it gives the single engine. */
    @Test
    void theMainSetMigratesThroughLockstepUrlAsTheSingleEngineDoes() {
        try (TestSchema other = TestPostgres.get().newSchema()) {
            contextRunner.withBean(DataSource.class, other::dataSource)
                    .withPropertyValues("lockstep.locations=" + main, "lockstep.url=" + app.jdbcUrl(),
                            "lockstep.user=" + TestPostgres.get().user(),
                            "lockstep.password=" + (TestPostgres.get().password() == null ? ""
                                    : TestPostgres.get().password()),
                            "lockstep.targets.tenants.locations=" + tenants,
                            "lockstep.targets.tenants.tenants.list=" + prefix + "1")
                    .run(context -> assertThat(context).hasNotFailed());
            assertThat(exists(app.name() + ".customers")).as("through lockstep.url").isTrue();
            assertThat(exists(other.name() + ".customers")).as("not the application's DataSource").isFalse();
        }
    }

    @Test
    void aMisspelledTenantsKeyIsRefusedNamingTheKeyItMeant() {
        contextRunner.withBean(DataSource.class, app::dataSource)
                .withPropertyValues("lockstep.locations=" + main, "lockstep.targets.tenants.locations=" + tenants,
                        "lockstep.targets.tenants.tenant.query=SELECT 1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("lockstep.targets.tenants.tenant.query: is no Lockstep property; did "
                                + "you mean lockstep.targets.tenants.tenants.query?")
                        .hasMessageContaining("lockstep.fail-on-unknown-properties=false"));
        assertThat(exists(app.name() + ".customers")).as("nothing ran").isFalse();
    }

    @Test
    void withTypoWarningsOnlyATargetOnTheMainSetsTrackerIsStillRefusedBeforeAnythingRuns() {
        // The second guard: the same typo let through makes 'tenants' a plain target on main's tracker.
        contextRunner.withBean(DataSource.class, app::dataSource)
                .withPropertyValues("lockstep.locations=" + main, "lockstep.targets.tenants.locations=" + tenants,
                        "lockstep.fail-on-unknown-properties=false", "lockstep.targets.tenants.tenant.query=SELECT 1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("lockstep.targets.tenants: keeps its history in the tracker of target "
                                + "'main', " + app.name() + ".lockstep_applied_migrations in database")
                        .hasMessageContaining("No target was run"));
        assertThat(exists(app.name() + ".customers")).as("nothing ran").isFalse();
    }

    @Test
    void typosInPlainKeysFailStartupWithTheNearestKnownKey() {
        contextRunner.withBean(DataSource.class, app::dataSource)
                .withPropertyValues("lockstep.locations=" + main, "lockstep.lock.timout=5s",
                        "lockstep.fail-on-eror=false", "lockstep.location=classpath:db/other")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("are no Lockstep properties; did you mean ")
                        .hasMessageContaining("lockstep.lock.timout").hasMessageContaining("lockstep.lock.timeout")
                        .hasMessageContaining("lockstep.fail-on-eror").hasMessageContaining("lockstep.fail-on-error")
                        .hasMessageMatching("(?s).*lockstep\\.location[,:].*").hasMessageContaining("lockstep.locations"));
        contextRunner.withBean(DataSource.class, app::dataSource)
                .withPropertyValues("lockstep.locations=" + main, "lockstep.lock.timout=5s",
                        "lockstep.fail-on-unknown-properties=false")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(exists(app.name() + ".customers")).as("with only a warning, the start goes on").isTrue();
    }

    @Test
    void undoIsPlannedInEveryTargetBeforeAnyChangesAndThenUndoesInEach() throws IOException {
        service().run(context -> assertThat(context).hasNotFailed());
        // The tenants' file has no down: the undo must refuse before main's shops is dropped.
        service("lockstep.mode=undo", "lockstep.undo.last=1").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("Target 'tenants', tenant " + prefix + "1: Cannot undo")
                .hasStackTraceContaining("Nothing was undone in any target"));
        assertThat(exists(app.name() + ".shops")).as("main was not changed first").isTrue();

        Files.writeString(folder.resolve("tenants").resolve("1_accounts.down.sql"), "DROP TABLE accounts;");
        // The first of the tenants, so a tenant after it in the fleet's order is there to be left alone.
        service("lockstep.mode=undo", "lockstep.undo.last=1", "lockstep.undo.targets=tenants",
                "lockstep.undo.tenants=" + prefix + "1").run(context -> assertThat(context).hasNotFailed());
        assertThat(exists("\"" + prefix + "1\".accounts")).as("undone in the one tenant named").isFalse();
        assertThat(exists("\"" + prefix + "2\".accounts")).as("the tenant after it").isTrue();
        assertThat(exists(app.name() + ".shops")).as("main was not chosen").isTrue();

        service("lockstep.mode=undo", "lockstep.undo.last=1", "lockstep.undo.tenants=nobody")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("lockstep.undo.tenants").hasMessageContaining("[nobody]"));
        assertThat(exists("\"" + prefix + "2\".accounts")).isTrue();
    }

    @Test
    void aFailedMainSetWithFailOnErrorFalseSaysWhyTheTenantsDidNotRun() throws IOException {
        Files.writeString(folder.resolve("main").resolve("3_broken.up.sql"), "ALTER TABLE no_such_table ADD x int;");
        service("lockstep.fail-on-error=false").run(context -> {
            assertThat(context).hasNotFailed();
            Health health = context.getBean(LockstepHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> targets = (Map<String, Map<String, Object>>) health.getDetails()
                    .get("targets");
            assertThat(targets.get("main")).containsEntry("status", "DOWN");
            assertThat(targets.get("tenants")).containsEntry("status", "DOWN").containsEntry("phase", "not run")
                    .containsEntry("reason", "not run: target 'main' failed before it");
        });
    }

    private String files(String set, String... namesAndTexts) throws IOException {
        Path dir = folder.resolve(set);
        Files.createDirectories(dir);
        for (int i = 0; i < namesAndTexts.length; i += 2) {
            Files.writeString(dir.resolve(namesAndTexts[i]), namesAndTexts[i + 1]);
        }
        return "filesystem:" + dir;
    }

    private static boolean exists(String table) {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + table.replace("'", "''") + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
