package dev.lockstep.autoconfigure.actuate.metrics;

import dev.lockstep.autoconfigure.LockstepAutoConfiguration;

import dev.lockstep.core.Lockstep;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Lockstep's Micrometer meters, when there is a {@link MeterRegistry}. */
@AutoConfiguration(after = LockstepAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, Lockstep.class})
public final class LockstepMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockstepMetrics lockstepMetrics(MeterRegistry registry, Lockstep lockstep) {
        return new LockstepMetrics(registry, lockstep);
    }
}
