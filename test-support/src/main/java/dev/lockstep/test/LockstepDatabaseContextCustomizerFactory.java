package dev.lockstep.test;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Spring's entry point (registered in {@code META-INF/spring.factories}): a test class annotated
 * with {@link LockstepDatabase} gets its application pointed at the class's clone.
 */
public final class LockstepDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return LockstepDatabases.find(testClass) != null ? new LockstepDatabaseContextCustomizer(testClass) : null;
    }
}
