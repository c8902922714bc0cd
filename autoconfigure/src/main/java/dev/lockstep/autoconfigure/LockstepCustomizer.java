package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfiguration;

/**
 * Adjusts the auto-configured Lockstep after the properties are applied and before it is built.
 * Beans of this type are applied in {@link org.springframework.core.annotation.Order order}.
 */
@FunctionalInterface
public interface LockstepCustomizer {

    void customize(LockstepConfiguration configuration);
}
