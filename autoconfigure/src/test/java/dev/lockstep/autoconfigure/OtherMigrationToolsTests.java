package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.autoconfigure.OtherMigrationTools.OtherMigrationToolException;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** A service that moved from Flyway but kept its starter: Flyway's auto-configuration beside Lockstep's. */
class OtherMigrationToolsTests {

    private TestSchema schema;

    @BeforeEach
    void createSchema() {
        schema = TestPostgres.get().newSchema();
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    private ApplicationContextRunner flywayAndLockstep() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LockstepAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withBean(DataSource.class, schema::dataSource);
    }

    @Test
    void flywayMigratingTheSameDatabaseFailsStartupNamingTheFixAndLockstepAppliesNothing() {
        flywayAndLockstep().run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(OtherMigrationToolException.class);
            FailureAnalysis analysis = new OtherMigrationToolFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .isEqualTo("Flyway (bean 'flyway') is set up to migrate the same database as Lockstep. Both would "
                            + "apply their migrations at startup: a change one of them applied then fails in the other "
                            + "(\"already exists\"), or is applied twice.");
            assertThat(analysis.getAction()).isEqualTo("Use one migration tool: remove spring-boot-starter-flyway (or "
                    + "flyway's library) from the dependencies, or set spring.flyway.enabled=false. Lockstep adopts "
                    + "Flyway's history (flyway_schema_history) on its first run, without Flyway's library. To run both "
                    + "on purpose, set lockstep.allow-other-migration-tools=true.");
            assertThat(tableExists("lockstep_applied_migrations")).isFalse();
            assertThat(tableExists("greetings")).isFalse();
            assertThat(tableExists("flyway_schema_history")).as("Flyway did not start either").isFalse();
        });
    }

    /** The application's URL says 127.0.0.1, lockstep.url says localhost: one server, told by the server itself. */
    @Test
    void theSameDatabaseUnderAnotherHostNameIsStillTheSameDatabase() {
        String url = schema.jdbcUrl();
        String otherName = url.contains("localhost") ? url.replace("localhost", "127.0.0.1")
                : url.replace("127.0.0.1", "localhost");
        assertThat(otherName).as("the test needs a URL it can spell another way").isNotEqualTo(url);
        flywayAndLockstep().withPropertyValues("lockstep.url=" + otherName, "lockstep.user=" + TestPostgres.get().user(),
                "lockstep.password=" + nullToEmpty(TestPostgres.get().password())).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(OtherMigrationToolException.class);
                    assertThat(tableExists("flyway_schema_history")).as("Flyway did not start").isFalse();
                    assertThat(tableExists("greetings")).isFalse();
                });
    }

    @Test
    void withFlywayDisabledLockstepMigrates() {
        flywayAndLockstep().withPropertyValues("spring.flyway.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tableExists("greetings")).isTrue();
        });
    }

    @Test
    void aServiceThatWantsBothSaysSo() {
        flywayAndLockstep()
                .withPropertyValues("lockstep.allow-other-migration-tools=true", "spring.flyway.baseline-on-migrate=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tableExists("greetings")).isTrue();
        });
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private boolean tableExists(String table) {
        return new JdbcTemplate(schema.dataSource()).queryForObject("SELECT to_regclass(?) IS NOT NULL",
                Boolean.class, table);
    }
}
