package dev.lockstep.autoconfigure.actuate.endpoint;

import dev.lockstep.autoconfigure.LockstepAutoConfiguration;

import dev.lockstep.autoconfigure.LockstepTargets;
import dev.lockstep.core.Lockstep;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The read-only {@code lockstep} Actuator endpoint, when Actuator is present. */
@AutoConfiguration(after = LockstepAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public final class LockstepEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    @ConditionalOnBean(Lockstep.class)
    LockstepEndpoint lockstepEndpoint(Lockstep lockstep) {
        return new LockstepEndpoint(lockstep);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    @ConditionalOnBean(LockstepTargets.class)
    LockstepEndpoint lockstepTargetsEndpoint(LockstepTargets targets) {
        return new LockstepEndpoint(targets);
    }
}
