package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.web.MigrationGate;
import dev.lockstep.autoconfigure.web.MigrationGateServletFilter;
import dev.lockstep.autoconfigure.web.MigrationGateWebFilter;

import dev.lockstep.autoconfigure.LockstepProperties.RunAt;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationHook;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Applies Lockstep migrations at startup, when there is a {@link DataSource} (or
 * {@code lockstep.url}) and {@code lockstep.enabled} is not false.
 *
 * <p>When ({@code lockstep.run-at}):
 * <ul>
 *   <li>{@code context-refresh} (default): a {@link LockstepInitializer} bean migrates while the
 *       context starts, before any bean that uses the database, as with Flyway. Nothing of the
 *       application runs against an unmigrated schema; the web server starts after the run.</li>
 *   <li>{@code application-runner}: a {@link LockstepApplicationRunner} migrates once the context
 *       has started, with the web server and liveness up; {@link MigrationGate} answers application
 *       requests 503 until it is done.</li>
 * </ul>
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@Conditional(LockstepAutoConfiguration.DataSourceOrUrl.class)
@ConditionalOnBooleanProperty(name = "lockstep.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockstepProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
@ImportRuntimeHints(LockstepRuntimeHints.class)
public final class LockstepAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Lockstep lockstep(LockstepProperties properties, Environment environment, ResourceLoader resourceLoader,
            ListableBeanFactory beanFactory, @LockstepDataSource ObjectProvider<DataSource> lockstepDataSource,
            ObjectProvider<DataSource> dataSources, ObjectProvider<LockstepCustomizer> customizers,
            ObjectProvider<MigrationHook> hooks) {
        DataSource dataSource = MigrationDataSource.choose(properties, lockstepDataSource, dataSources,
                List.of(beanFactory.getBeanNamesForType(DataSource.class)), resourceLoader.getClassLoader());
        if (!properties.isAllowOtherMigrationTools()) {
            OtherMigrationTools.check(beanFactory, dataSource, resourceLoader.getClassLoader());
        }
        LockstepConfiguration configuration = Lockstep.configure()
                .dataSource(dataSource)
                .runnerName(environment.getProperty("spring.application.name"))
                .classLoader(resourceLoader.getClassLoader());
        LockstepPropertiesBinding.apply(properties, configuration);
        hooks.orderedStream().forEach(configuration::hook);
        customizers.orderedStream().forEach(customizer -> customizer.customize(configuration));
        return configuration.load();
    }

    /** Flyway's or Liquibase's migration waits for the engine, whose creation checks that they are not both at work. */
    @Bean
    static BeanFactoryPostProcessor lockstepBeforeOtherMigrationTools() {
        return OtherMigrationTools::checkBeforeTheyMigrate;
    }

    /** The run at startup; every {@link LockstepListener} bean hears it, whoever built the engine. */
    private static StartupMigration startupMigration(Lockstep lockstep, LockstepProperties properties,
            ObjectProvider<LockstepListener> listeners, Runnable afterRun) {
        listeners.orderedStream().forEach(lockstep::addListener);
        return new StartupMigration(lockstep, properties.getMode(), properties.isFailOnError(), afterRun);
    }

    @Bean
    @ConditionalOnBooleanProperty("lockstep.exit-after-run")
    LockstepExitAfterRun lockstepExitAfterRun(Lockstep lockstep) {
        return new LockstepExitAfterRun(lockstep);
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(RunAtContextRefresh.class)
    static class AtContextRefresh {

        @Bean
        @ConditionalOnMissingBean
        LockstepInitializer lockstepInitializer(Lockstep lockstep, LockstepProperties properties,
                ObjectProvider<LockstepListener> listeners) {
            return new LockstepInitializer(startupMigration(lockstep, properties, listeners, () -> {
            }));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(RunAtApplicationRunner.class)
    static class AtApplicationRunner {

        @Bean
        @ConditionalOnMissingBean
        MigrationGate lockstepMigrationGate(Environment environment) {
            return new MigrationGate(environment.getProperty("management.endpoints.web.base-path", "/actuator"));
        }

        @Bean
        @ConditionalOnMissingBean
        LockstepApplicationRunner lockstepApplicationRunner(Lockstep lockstep, LockstepProperties properties,
                ObjectProvider<LockstepListener> listeners, MigrationGate gate) {
            return new LockstepApplicationRunner(startupMigration(lockstep, properties, listeners, gate::open));
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
        @ConditionalOnClass(name = "jakarta.servlet.Filter")
        static class ServletGate {

            @Bean
            FilterRegistrationBean<MigrationGateServletFilter> lockstepMigrationGateFilter(MigrationGate gate) {
                FilterRegistrationBean<MigrationGateServletFilter> registration =
                        new FilterRegistrationBean<>(new MigrationGateServletFilter(gate));
                // First: nothing else of the application should see a request the gate holds back.
                registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
                return registration;
            }
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
        static class ReactiveGate {

            @Bean
            MigrationGateWebFilter lockstepMigrationGateWebFilter(MigrationGate gate) {
                return new MigrationGateWebFilter(gate);
            }
        }
    }

    /** Reads {@code lockstep.run-at} as the properties bind it, so any spelling Boot accepts matches. */
    abstract static class RunAtCondition extends SpringBootCondition {

        private final RunAt wanted;

        RunAtCondition(RunAt wanted) {
            this.wanted = wanted;
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            RunAt runAt = RunAt.configuredIn(context.getEnvironment());
            return new ConditionOutcome(runAt == wanted, "lockstep.run-at is " + runAt);
        }
    }

    static final class RunAtContextRefresh extends RunAtCondition {
        RunAtContextRefresh() {
            super(RunAt.CONTEXT_REFRESH);
        }
    }

    static final class RunAtApplicationRunner extends RunAtCondition {
        RunAtApplicationRunner() {
            super(RunAt.APPLICATION_RUNNER);
        }
    }

    /** A DataSource bean to migrate, or a URL to connect to on Lockstep's own. */
    static final class DataSourceOrUrl extends AnyNestedCondition {

        DataSourceOrUrl() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(DataSource.class)
        private static final class DataSourceBean {
        }

        @ConditionalOnProperty("lockstep.url")
        private static final class LockstepUrl {
        }
    }
}
