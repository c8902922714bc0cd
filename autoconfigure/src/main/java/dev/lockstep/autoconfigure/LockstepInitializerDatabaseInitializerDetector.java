package dev.lockstep.autoconfigure;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Tells Spring Boot that {@link LockstepInitializer} initializes the database, so beans that
 * depend on database initialization are created after it. Registered in
 * {@code META-INF/spring.factories}.
 */
class LockstepInitializerDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(LockstepInitializer.class);
    }

    /** Before Boot's own SQL script initialization, like Flyway's and Liquibase's detectors. */
    @Override
    public int getOrder() {
        return 1;
    }
}
