package dev.lockstep.autoconfigure.actuate.metrics;

import dev.lockstep.autoconfigure.LockstepAutoConfiguration;

import dev.lockstep.autoconfigure.LockstepDriftCheck;
import dev.lockstep.autoconfigure.LockstepTargets;
import dev.lockstep.autoconfigure.LockstepTargetsListeners;
import dev.lockstep.core.Lockstep;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
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
@ConditionalOnBean(MeterRegistry.class)
public final class LockstepMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Lockstep.class)
    LockstepMetrics lockstepMetrics(MeterRegistry registry, Lockstep lockstep) {
        return new LockstepMetrics(registry, lockstep);
    }

    /** Each target's meters, tagged with its name: an engine's as above, a fleet's per state and across tenants. */
    @Bean
    @ConditionalOnBean(LockstepTargets.class)
    LockstepTargetsListeners lockstepTargetMetrics(MeterRegistry registry) {
        return targets -> {
            for (LockstepTargets.Target target : targets.all()) {
                target.engine().ifPresent(engine -> engine.addListener(new LockstepMetrics(registry, engine,
                        Tags.of(LockstepMeters.TARGET, target.name()))));
                target.fleet().ifPresent(fleet -> fleet.addListener(new LockstepFleetMetrics(registry, fleet)));
            }
        };
    }

    /** {@code lockstep.drift.differences} per target, with {@code lockstep.drift.check=after-start}. */
    @Bean
    @ConditionalOnBean(LockstepDriftCheck.class)
    SmartInitializingSingleton lockstepDriftMetrics(MeterRegistry registry, LockstepDriftCheck check) {
        return () -> {
            if (check.enabled()) {
                for (String name : check.names()) {
                    Gauge.builder(LockstepMeters.DRIFT_DIFFERENCES, check, c -> c.differences(name))
                            .description("Objects that differ from what the applied migrations make")
                            .tag(LockstepMeters.TARGET, name).register(registry);
                }
            }
        };
    }
}
