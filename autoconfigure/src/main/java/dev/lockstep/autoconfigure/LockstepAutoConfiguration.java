package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationHook;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Applies Lockstep migrations at startup, when there is a {@link DataSource} and
 * {@code lockstep.enabled} is not false.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@ConditionalOnBooleanProperty(name = "lockstep.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockstepProperties.class)
public final class LockstepAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockstepProgress lockstepProgress() {
        return new LockstepProgress();
    }

    @Bean
    @ConditionalOnMissingBean
    Lockstep lockstep(DataSource dataSource, LockstepProperties properties, Environment environment,
            ResourceLoader resourceLoader, ObjectProvider<LockstepCustomizer> customizers,
            ObjectProvider<LockstepListener> listeners, ObjectProvider<MigrationHook> hooks) {
        LockstepConfiguration configuration = Lockstep.configure()
                .dataSource(dataSource)
                .locations(properties.getLocations())
                .schema(properties.getSchema())
                .table(properties.getTable())
                .versions(properties.getVersions())
                .checksum(properties.getChecksum())
                .lockKey(properties.getLock().getKey())
                .lockTimeout(properties.getLock().getTimeout())
                .reportInterval(properties.getLock().getReportInterval())
                .statementTimeout(properties.getStatementTimeout())
                .runnerName(environment.getProperty("spring.application.name"))
                .classLoader(resourceLoader.getClassLoader());
        listeners.orderedStream().forEach(configuration::listener);
        hooks.orderedStream().forEach(configuration::hook);
        customizers.orderedStream().forEach(customizer -> customizer.customize(configuration));
        return configuration.load();
    }

    @Bean
    @ConditionalOnMissingBean
    LockstepApplicationRunner lockstepApplicationRunner(Lockstep lockstep, LockstepProperties properties) {
        return new LockstepApplicationRunner(lockstep, properties.isFailOnError());
    }
}
