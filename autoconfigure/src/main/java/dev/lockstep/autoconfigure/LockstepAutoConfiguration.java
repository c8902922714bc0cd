package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.web.MigrationGate;
import dev.lockstep.autoconfigure.web.MigrationGateServletFilter;
import dev.lockstep.autoconfigure.web.MigrationGateWebFilter;

import dev.lockstep.autoconfigure.LockstepProperties.RunAt;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationHook;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
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

    /** The name health and meters give the one engine of an application without lockstep.targets. */
    public static final String MAIN = "main";

    @Bean
    @ConditionalOnMissingBean
    @Conditional(NoTargets.class)
    Lockstep lockstep(LockstepProperties properties, Environment environment, ResourceLoader resourceLoader,
            ListableBeanFactory beanFactory, @LockstepDataSource ObjectProvider<DataSource> lockstepDataSource,
            ObjectProvider<DataSource> dataSources, ObjectProvider<LockstepCustomizer> customizers,
            ObjectProvider<MigrationHook> hooks) {
        UnknownProperties.check(environment, properties);
        DataSource dataSource = MigrationDataSource.choose(properties, lockstepDataSource, dataSources,
                List.of(beanFactory.getBeanNamesForType(DataSource.class)), resourceLoader.getClassLoader());
        LockstepConnectionPinning.requireSessionPool(dataSources.getIfUnique());
        if (!properties.isAllowOtherMigrationTools()) {
            OtherMigrationTools.check(beanFactory, dataSource, resourceLoader.getClassLoader());
        }
        LockstepConfiguration configuration = Lockstep.configure()
                .dataSource(dataSource)
                .runnerName(environment.getProperty("spring.application.name"))
                .classLoader(resourceLoader.getClassLoader());
        LockstepPropertiesBinding.apply(properties, configuration);
        LockstepPropertiesBinding.scratchLogin(properties, environment, configuration);
        hooks.orderedStream().forEach(configuration::hook);
        customizers.orderedStream().forEach(customizer -> customizer.customize(configuration));
        return configuration.load();
    }

    /** {@code lockstep.targets}: named migration sets, each an engine or, with tenants, a fleet. */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(HasTargets.class)
    LockstepTargets lockstepTargets(LockstepProperties properties, Environment environment,
            ResourceLoader resourceLoader, ListableBeanFactory beanFactory,
            @LockstepDataSource ObjectProvider<DataSource> lockstepDataSource, ObjectProvider<DataSource> dataSources,
            ObjectProvider<LockstepCustomizer> customizers, ObjectProvider<MigrationHook> hooks) {
        UnknownProperties.check(environment, properties);
        DataSource marked = lockstepDataSource.getIfAvailable();
        boolean locationsSet = Binder.get(environment).bind("lockstep.locations", Bindable.listOf(String.class))
                .isBound();
        return new LockstepTargetsFactory(properties, locationsSet, () -> MigrationDataSource.choose(properties,
                lockstepDataSource, dataSources, List.of(beanFactory.getBeanNamesForType(DataSource.class)),
                resourceLoader.getClassLoader()), beanFactory,
                marked != null ? marked : dataSources.getIfUnique(),
                environment.getProperty("spring.application.name"), resourceLoader.getClassLoader(),
                hooks.orderedStream().toList(), customizers.orderedStream().toList()).build();
    }

    /** {@code lockstep.drift.check}: drift looked for once the application is ready, in each target. */
    @Bean
    @ConditionalOnMissingBean
    LockstepDriftCheck lockstepDriftCheck(LockstepProperties properties, ObjectProvider<Lockstep> lockstep,
            ObjectProvider<LockstepTargets> targets) {
        LockstepTargets named = targets.getIfAvailable();
        List<LockstepDriftCheck.Subject> subjects = new ArrayList<>();
        if (named != null) {
            named.all().forEach(t -> subjects.add(new LockstepDriftCheck.Subject(t.name(), t.engine(), t.fleet())));
        } else {
            Lockstep engine = lockstep.getIfUnique();
            if (engine != null) {
                subjects.add(new LockstepDriftCheck.Subject(MAIN, Optional.of(engine), Optional.empty()));
            }
        }
        return new LockstepDriftCheck(subjects, properties.getDrift());
    }

    /** {@code lockstep.jobs.run}: the batched migrations' jobs run once the application is ready, in each target. */
    @Bean
    @ConditionalOnMissingBean
    LockstepJobsWorker lockstepJobsWorker(LockstepProperties properties, ObjectProvider<Lockstep> lockstep,
            ObjectProvider<LockstepTargets> targets) {
        LockstepTargets named = targets.getIfAvailable();
        List<LockstepJobsWorker.Subject> subjects = new ArrayList<>();
        if (named != null) {
            named.all().forEach(t -> subjects.add(new LockstepJobsWorker.Subject(t.name(), t.engine(), t.fleet())));
        } else {
            Lockstep engine = lockstep.getIfUnique();
            if (engine != null) {
                subjects.add(new LockstepJobsWorker.Subject(MAIN, Optional.of(engine), Optional.empty()));
            }
        }
        // Only a service that migrates runs jobs: a validating replica or a one-off undo writes nothing.
        return new LockstepJobsWorker(properties.getMode() == LockstepProperties.Mode.MIGRATE ? subjects : List.of(),
                properties.getJobs());
    }

    /** {@code lockstep.expand.pin-connections}: the application's pool sees its own release's shape. */
    @Bean
    static LockstepConnectionPinning lockstepConnectionPinning() {
        return new LockstepConnectionPinning();
    }

    /** {@code lockstep.expand.contract}: expanded migrations contracted once no older release's session remains. */
    @Bean
    @ConditionalOnMissingBean
    LockstepContractWorker lockstepContractWorker(LockstepProperties properties, ObjectProvider<Lockstep> lockstep,
            ObjectProvider<LockstepTargets> targets) {
        LockstepTargets named = targets.getIfAvailable();
        List<LockstepContractWorker.Subject> subjects = new ArrayList<>();
        if (named != null) {
            named.all().forEach(t -> t.engine().ifPresent(engine -> subjects.add(new LockstepContractWorker.Subject(
                    t.name(), engine))));
        } else {
            Lockstep engine = lockstep.getIfUnique();
            if (engine != null) {
                subjects.add(new LockstepContractWorker.Subject(MAIN, engine));
            }
        }
        return new LockstepContractWorker(properties.getMode() == LockstepProperties.Mode.MIGRATE ? subjects : List.of(),
                properties.getExpand());
    }

    /** Flyway's or Liquibase's migration waits for the engine, whose creation checks that they are not both at work. */
    @Bean
    static BeanFactoryPostProcessor lockstepBeforeOtherMigrationTools() {
        return OtherMigrationTools::checkBeforeTheyMigrate;
    }

    /**
     * The run at startup: the engine's, every {@link LockstepListener} bean hearing it whoever built
     * the engine; or every target's in order, after each {@link LockstepTargetsListeners} bean
     * attached its listeners.
     */
    private static StartupMigration startupMigration(ObjectProvider<Lockstep> lockstep,
            ObjectProvider<LockstepTargets> targets, LockstepProperties properties,
            ObjectProvider<LockstepListener> listeners, ObjectProvider<LockstepTargetsListeners> targetListeners,
            Runnable afterRun) {
        LockstepTargets named = targets.getIfAvailable();
        if (named != null) {
            named.all().forEach(target -> target.engine().ifPresent(engine ->
                    listeners.orderedStream().forEach(engine::addListener)));
            targetListeners.orderedStream().forEach(attach -> attach.attach(named));
            return new StartupMigration(() -> named.runAll(properties), StartupMigration.failsStartup(properties),
                    afterRun);
        }
        Lockstep engine = lockstep.getObject();
        listeners.orderedStream().forEach(engine::addListener);
        return new StartupMigration(engine, properties, afterRun);
    }

    @Bean
    @ConditionalOnBooleanProperty("lockstep.exit-after-run")
    LockstepExitAfterRun lockstepExitAfterRun(ObjectProvider<Lockstep> lockstep, ObjectProvider<LockstepTargets> targets,
            LockstepProperties properties) {
        if (properties.getMode() == LockstepProperties.Mode.UNDO) {
            return LockstepExitAfterRun.afterUndo();
        }
        LockstepTargets named = targets.getIfAvailable();
        return named != null ? new LockstepExitAfterRun(named) : new LockstepExitAfterRun(lockstep.getObject());
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(RunAtContextRefresh.class)
    static class AtContextRefresh {

        @Bean
        @ConditionalOnMissingBean
        LockstepInitializer lockstepInitializer(ObjectProvider<Lockstep> lockstep,
                ObjectProvider<LockstepTargets> targets, LockstepProperties properties,
                ObjectProvider<LockstepListener> listeners, ObjectProvider<LockstepTargetsListeners> targetListeners) {
            return new LockstepInitializer(startupMigration(lockstep, targets, properties, listeners, targetListeners,
                    () -> {
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
        LockstepApplicationRunner lockstepApplicationRunner(ObjectProvider<Lockstep> lockstep,
                ObjectProvider<LockstepTargets> targets, LockstepProperties properties,
                ObjectProvider<LockstepListener> listeners, ObjectProvider<LockstepTargetsListeners> targetListeners,
                MigrationGate gate) {
            return new LockstepApplicationRunner(startupMigration(lockstep, targets, properties, listeners,
                    targetListeners, gate::open));
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

    /** Whether {@code lockstep.targets} names any target, read as the properties bind it. */
    static boolean hasTargets(Environment environment) {
        return Binder.get(environment).bind("lockstep.targets", Bindable.mapOf(String.class, TargetProperties.class))
                .map(targets -> !targets.isEmpty()).orElse(false);
    }

    static final class HasTargets extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean has = hasTargets(context.getEnvironment());
            return new ConditionOutcome(has, "lockstep.targets " + (has ? "names targets" : "is empty"));
        }
    }

    static final class NoTargets extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean has = hasTargets(context.getEnvironment());
            return new ConditionOutcome(!has, "lockstep.targets " + (has ? "names targets" : "is empty"));
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
