package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** Which database Lockstep migrates: the application's, a {@code @LockstepDataSource}, or lockstep.url. */
class MigrationDataSourceTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LockstepAutoConfiguration.class));

    private TestSchema application;
    private TestSchema other;

    @BeforeEach
    void createSchemas() {
        application = TestPostgres.get().newSchema();
        other = TestPostgres.get().newSchema();
    }

    @AfterEach
    void dropSchemas() {
        application.close();
        other.close();
    }

    @Test
    void lockstepUrlMigratesThatDatabaseAndNotTheApplications() {
        contextRunner.withBean(DataSource.class, application::dataSource)
                .withPropertyValues("lockstep.url=" + other.jdbcUrl(), "lockstep.user=" + TestPostgres.get().user(),
                        "lockstep.password=" + TestPostgres.get().password())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tableExists(other, "greetings")).isTrue();
                    assertThat(tableExists(application, "greetings")).isFalse();
                });
    }

    @Test
    void lockstepUrlAloneWithoutAnyDataSourceBeanStillMigrates() {
        contextRunner.withPropertyValues("lockstep.url=" + other.jdbcUrl(), "lockstep.user=" + TestPostgres.get().user(),
                "lockstep.password=" + TestPostgres.get().password())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tableExists(other, "greetings")).isTrue();
                });
    }

    @Test
    void lockstepUserAloneReusesTheApplicationsUrlWithOtherCredentials() {
        String owner = "lockstep_owner_" + Math.abs(ThreadLocalRandom.current().nextInt());
        JdbcTemplate admin = new JdbcTemplate(application.dataSource());
        admin.execute("CREATE ROLE " + owner + " LOGIN PASSWORD 'secret'");
        admin.execute("GRANT USAGE, CREATE ON SCHEMA " + application.name() + " TO " + owner);
        try {
            // The URL without a user= parameter: the driver lets one in the URL win over the login user.
            SimpleDriverDataSource pool = new SimpleDriverDataSource(new org.postgresql.Driver(),
                    application.jdbcUrl().replaceAll("user=[^&]*&?", ""), TestPostgres.get().user(),
                    TestPostgres.get().password());
            contextRunner.withBean(DataSource.class, () -> pool)
                    .withPropertyValues("lockstep.user=" + owner, "lockstep.password=secret")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(admin.queryForObject("SELECT tableowner FROM pg_tables WHERE schemaname = ? "
                                + "AND tablename = 'greetings'", String.class, application.name())).isEqualTo(owner);
                    });
        } finally {
            admin.execute("DROP OWNED BY " + owner);
            admin.execute("DROP ROLE " + owner);
        }
    }

    @Test
    void theDataSourceMarkedLockstepDataSourceIsMigrated() {
        contextRunner.withBean("otherDataSource", DataSource.class, other::dataSource,
                        definition -> ((org.springframework.beans.factory.support.AbstractBeanDefinition) definition).addQualifier(
                                new org.springframework.beans.factory.support.AutowireCandidateQualifier(
                                        LockstepDataSource.class)))
                .withBean("applicationDataSource", DataSource.class, application::dataSource,
                        definition -> definition.setPrimary(true))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(tableExists(other, "greetings")).isTrue();
                    assertThat(tableExists(application, "greetings")).isFalse();
                });
    }

    @Test
    void twoDataSourcesWithoutAChoiceFailNamingLockstepDataSourceAndLockstepUrl() {
        contextRunner.withUserConfiguration(TwoDataSources.class).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LockstepFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("2 DataSource beans [first, second]")
                    .contains("@dev.lockstep.autoconfigure.LockstepDataSource").contains("lockstep.url");
            assertThat(analysis.getAction()).contains("@LockstepDataSource").contains("lockstep.url");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {
        @Bean
        DataSource first() {
            return new SimpleDriverDataSource();
        }

        @Bean
        DataSource second() {
            return new SimpleDriverDataSource();
        }
    }

    private static boolean tableExists(TestSchema schema, String table) {
        return new JdbcTemplate(schema.dataSource()).queryForObject(
                "SELECT count(*) > 0 FROM pg_tables WHERE schemaname = ? AND tablename = ?", Boolean.class,
                schema.name(), table);
    }
}
