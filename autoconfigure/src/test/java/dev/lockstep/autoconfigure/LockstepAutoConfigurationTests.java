package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.actuate.endpoint.LockstepEndpoint;
import dev.lockstep.autoconfigure.actuate.endpoint.LockstepEndpointAutoConfiguration;
import dev.lockstep.autoconfigure.actuate.health.LockstepHealthAutoConfiguration;
import dev.lockstep.autoconfigure.actuate.health.LockstepHealthIndicator;
import dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters;
import dev.lockstep.autoconfigure.actuate.metrics.LockstepMetrics;
import dev.lockstep.autoconfigure.actuate.metrics.LockstepMetricsAutoConfiguration;
import dev.lockstep.autoconfigure.web.MigrationGate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.ValidationException;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;

class LockstepAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LockstepAutoConfiguration.class,
                    LockstepHealthAutoConfiguration.class, LockstepMetricsAutoConfiguration.class,
                    LockstepEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=lockstep");

    private TestSchema schema;

    @BeforeEach
    void createSchema() {
        schema = TestPostgres.get().newSchema();
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    private ApplicationContextRunner withDatabase() {
        return contextRunner.withBean(DataSource.class, schema::dataSource)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new);
    }

    @Test
    void backsOffWithNoDataSourceBean() {
        contextRunner.run(context -> assertThat(context).doesNotHaveBean(Lockstep.class)
                .doesNotHaveBean(LockstepInitializer.class).doesNotHaveBean(LockstepApplicationRunner.class));
    }

    @Test
    void whenDisabledTheHealthIndicatorStaysUpAndSaysWhy() {
        withDatabase().withPropertyValues("lockstep.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(Lockstep.class).doesNotHaveBean(LockstepInitializer.class);
            Health health = context.getBean(LockstepHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("phase", "disabled")
                    .containsEntry("reason", "lockstep.enabled=false");
            assertThat(tableExists("greetings")).isFalse();
        });
    }

    @Test
    void aDisabledHealthIndicatorStaysSoThatHealthGroupsNamingItRemainValid() {
        withDatabase().withPropertyValues("management.health.lockstep.enabled=false").run(context -> {
            Health health = context.getBean(LockstepHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("reason", "management.health.lockstep.enabled=false");
            assertThat(tableExists("greetings")).as("migrations still run").isTrue();
        });
    }

    @Test
    void byDefaultMigratesWhileTheContextStartsWithTheEngineHealthMetricsAndEndpoint() {
        withDatabase().run(context -> {
            assertThat(context).hasSingleBean(Lockstep.class).hasSingleBean(LockstepInitializer.class)
                    .doesNotHaveBean(LockstepApplicationRunner.class).doesNotHaveBean(MigrationGate.class)
                    .hasBean("lockstepHealthIndicator").hasSingleBean(LockstepMetrics.class)
                    .hasSingleBean(LockstepEndpoint.class);
            assertThat(tableExists("greetings")).isTrue();
            assertThat(context.getBean(LockstepHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
            assertThat(context.getBean(MeterRegistry.class).get(LockstepMeters.MIGRATION_APPLY)
                    .tag(LockstepMeters.OUTCOME, "success").timer().count()).isEqualTo(1);
        });
    }

    /** A replica that stopped waiting because another applied everything still has its wait timed. */
    @Test
    void aWaitEndedByAnotherRunnersWorkIsTimedWithAnOutcomeOfItsOwn() {
        withDatabase().run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(LockstepMetrics.class).lockNotNeeded(java.time.Duration.ofSeconds(16));

            assertThat(registry.get(LockstepMeters.LOCK_WAIT).tag(LockstepMeters.OUTCOME, "not-needed").timer()
                    .totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(16);
        });
    }

    @Test
    void modeValidateFailsStartupOnAPendingMigrationAndWritesNothing() {
        withDatabase().withPropertyValues("lockstep.mode=validate").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(ValidationException.class)
                    .hasMessageContaining("1_greetings.up.sql").hasMessageContaining("Nothing was written");
            assertThat(tableExists("greetings")).isFalse();
            assertThat(tableExists("lockstep_applied_migrations")).isFalse();
        });
    }

    @Test
    void modeValidateStartsOnAMigratedDatabaseWithHealthUp() {
        withDatabase().run(context -> assertThat(tableExists("greetings")).isTrue());
        withDatabase().withPropertyValues("lockstep.mode=validate").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockstepHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void modePreviewAppliesNothingAndHealthIsUpSayingWhatWouldRun() {
        withDatabase().withPropertyValues("lockstep.mode=preview").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tableExists("greetings")).isFalse();
            assertThat(tableExists("lockstep_applied_migrations")).isFalse();
            Health health = context.getBean(LockstepHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("phase", "previewed").containsEntry("applied", 0)
                    .containsEntry("pending", 1);
        });
    }

    @Test
    void runAtApplicationRunnerMigratesInTheRunnerNotWhileTheContextStarts() {
        withDatabase().withPropertyValues("lockstep.run-at=application-runner").run(context -> {
            assertThat(context).hasSingleBean(LockstepApplicationRunner.class).hasSingleBean(MigrationGate.class)
                    .doesNotHaveBean(LockstepInitializer.class);
            assertThat(tableExists("greetings")).isFalse();
            assertThat(context.getBean(MigrationGate.class).isOpen()).isFalse();
            context.getBean(LockstepApplicationRunner.class).run(null);
            assertThat(tableExists("greetings")).isTrue();
            assertThat(context.getBean(MigrationGate.class).isOpen()).isTrue();
        });
    }

    @Test
    void beansThatUseTheDatabaseWhileTheContextStartsSeeItMigrated() {
        withDatabase().withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class))
                .withUserConfiguration(StartupReader.class)
                .run(context -> assertThat(context).hasNotFailed().getBean(StartupReader.class)
                        .extracting(reader -> reader.greetings).isEqualTo(0L));
    }

    @Test
    void withTheRunnerThoseBeansRunBeforeMigrations() {
        // The control for the test above: without Lockstep ordered first the same bean fails.
        withDatabase().withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class))
                .withUserConfiguration(StartupReader.class).withPropertyValues("lockstep.run-at=application-runner")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("relation \"greetings\" does not exist"));
    }

    /** Reads a migrated table while the context starts, through the auto-configured JdbcTemplate. */
    static class StartupReader {
        final long greetings;

        StartupReader(JdbcTemplate jdbc) {
            greetings = jdbc.queryForObject("SELECT count(*) FROM greetings", Long.class);
        }
    }

    @Test
    void withoutActuatorOrMicrometerStillMigratesWithNoHealthOrMeterBeans() {
        contextRunner.withBean(DataSource.class, schema::dataSource)
                .withClassLoader(new FilteredClassLoader("io.micrometer", "org.springframework.boot.health",
                        "org.springframework.boot.actuate"))
                .run(context -> {
                    assertThat(context).hasSingleBean(Lockstep.class).doesNotHaveBean(LockstepHealthIndicator.class)
                            .doesNotHaveBean(LockstepMetrics.class).doesNotHaveBean(LockstepEndpoint.class);
                    assertThat(tableExists("greetings")).isTrue();
                });
    }

    @Test
    void aMeterRegistryThatFailsDoesNotFailStartupOrTheRun() {
        SimpleMeterRegistry failing = new SimpleMeterRegistry();
        failing.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("lockstep.")) {
                    throw new IllegalStateException("metrics backend down");
                }
                return id;
            }
        });
        contextRunner.withBean(DataSource.class, schema::dataSource).withBean(MeterRegistry.class, () -> failing)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LockstepMetrics.class);
                    assertThat(tableExists("greetings")).isTrue();
                });
    }

    @Test
    void aUserLockstepBeanIsRunAtStartupAndDrivesHealthAndMetrics() {
        Lockstep userLockstep = Lockstep.configure().dataSource(schema.dataSource()).table("user_tracker").load();
        withDatabase().withBean(Lockstep.class, () -> userLockstep).run(context -> {
            assertThat(context.getBean(Lockstep.class)).isSameAs(userLockstep);
            assertThat(tableExists("user_tracker")).isTrue();
            Health health = context.getBean(LockstepHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("phase", "completed").containsEntry("applied", 1);
            assertThat(context.getBean(MeterRegistry.class).get(LockstepMeters.RUN).tag(LockstepMeters.OUTCOME, "success")
                    .timer().count()).isEqualTo(1);
        });
    }

    @Test
    void eachDefaultBeanGivesWayToAUserBean() {
        Lockstep userLockstep = Lockstep.configure().dataSource(schema.dataSource()).load();
        LockstepInitializer userInitializer = new LockstepInitializer(new StartupMigration(userLockstep::migrate,
                false, () -> {
        }));
        withDatabase()
                .withBean(Lockstep.class, () -> userLockstep)
                .withBean(LockstepInitializer.class, () -> userInitializer)
                .withBean("lockstepHealthIndicator", LockstepHealthIndicator.class,
                        () -> new LockstepHealthIndicator(userLockstep))
                .withBean(LockstepMetrics.class, () -> new LockstepMetrics(new SimpleMeterRegistry(), userLockstep))
                .withBean(LockstepEndpoint.class, () -> new LockstepEndpoint(userLockstep))
                .run(context -> {
                    assertThat(context.getBean(Lockstep.class)).isSameAs(userLockstep);
                    assertThat(context.getBean(LockstepInitializer.class)).isSameAs(userInitializer);
                    assertThat(context).hasSingleBean(LockstepHealthIndicator.class).hasSingleBean(LockstepMetrics.class)
                            .hasSingleBean(LockstepEndpoint.class);
                });
    }

    @Test
    void customizersAreAppliedInOrderAfterTheProperties() {
        withDatabase().withPropertyValues("lockstep.table=from_properties")
                .withUserConfiguration(Customizers.class)
                .run(context -> {
                    assertThat(context.getBean(Customizers.class).calls).containsExactly("first", "second");
                    assertThat(tableExists("from_second_customizer")).isTrue();
                    assertThat(tableExists("from_properties")).isFalse();
                });
    }

    static class Customizers {
        final List<String> calls = new ArrayList<>();

        @org.springframework.context.annotation.Bean
        @Order(2)
        LockstepCustomizer second() {
            return configuration -> {
                calls.add("second");
                configuration.table("from_second_customizer");
            };
        }

        @org.springframework.context.annotation.Bean
        @Order(1)
        LockstepCustomizer first() {
            return configuration -> {
                calls.add("first");
                configuration.table("from_first_customizer");
            };
        }
    }

    @Test
    void anUnknownEnumValueFailsNamingTheProperty() {
        assertStartupFailureNames("lockstep.versions=sometimes", "lockstep.versions");
        assertStartupFailureNames("lockstep.checksum=maybe", "lockstep.checksum");
    }

    @Test
    void aBadIdentifierFailsNamingTheProperty() {
        assertStartupFailureNames("lockstep.table=users; DROP TABLE users", "lockstep.table");
        assertStartupFailureNames("lockstep.schema=a\"b", "lockstep.schema");
    }

    @Test
    void aNegativeOrUnreadableDurationFailsNamingTheProperty() {
        assertStartupFailureNames("lockstep.lock.timeout=-1s", "lockstep.lock.timeout");
        assertStartupFailureNames("lockstep.lock.report-interval=0s", "lockstep.lock.report-interval");
        assertStartupFailureNames("lockstep.statement-timeout=soon", "lockstep.statement-timeout");
    }

    @Test
    void aMissingLocationFailsNamingTheProperty() {
        assertStartupFailureNames("lockstep.locations=classpath:db/nowhere", "lockstep.locations");
        assertStartupFailureNames("lockstep.locations=filesystem:/no/such/folder", "lockstep.locations");
    }

    private void assertStartupFailureNames(String property, String name) {
        withDatabase().withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(name);
        });
    }

    private boolean tableExists(String table) {
        return new JdbcTemplate(schema.dataSource()).queryForObject("SELECT to_regclass(?) IS NOT NULL",
                Boolean.class, table);
    }
}
