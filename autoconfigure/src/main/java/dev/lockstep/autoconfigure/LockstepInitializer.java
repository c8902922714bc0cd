package dev.lockstep.autoconfigure;

import org.springframework.beans.factory.InitializingBean;

/**
 * Migrates while the application context starts ({@code lockstep.run-at=context-refresh}, the
 * default), as Spring Boot's {@code FlywayMigrationInitializer} does. Boot's
 * {@link LockstepInitializerDatabaseInitializerDetector detector} makes every bean that uses the
 * database at startup (the JPA {@code EntityManagerFactory}, {@code JdbcTemplate},
 * {@code JdbcClient}, jOOQ's {@code DSLContext}, beans marked {@code @DependsOnDatabaseInitialization})
 * depend on this one, so none of them sees the schema before it is migrated.
 */
public class LockstepInitializer implements InitializingBean {

    private final StartupMigration migration;

    LockstepInitializer(StartupMigration migration) {
        this.migration = migration;
    }

    @Override
    public void afterPropertiesSet() {
        migration.run();
    }
}
