package dev.lockstep.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code lockstep} health indicator, when Spring Boot's health support is present. */
@AutoConfiguration(after = LockstepAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(LockstepProgress.class)
public final class LockstepHealthAutoConfiguration {

    // On the method, not the class: the class's @ConditionalOnClass must rule first, or a missing
    // health library fails while loading this condition instead of backing off.
    @Bean
    @ConditionalOnEnabledHealthIndicator("lockstep")
    @ConditionalOnMissingBean(name = "lockstepHealthIndicator")
    LockstepHealthIndicator lockstepHealthIndicator(LockstepProgress progress) {
        return new LockstepHealthIndicator(progress);
    }
}
