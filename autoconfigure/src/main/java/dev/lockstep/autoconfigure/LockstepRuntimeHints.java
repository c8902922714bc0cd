package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepSettings;
import java.sql.Connection;
import java.util.List;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Includes the migration files in a native image: the default location always (as Spring Boot does
 * for Flyway's), and the configured {@code lockstep.locations} through
 * {@link LockstepLocationsAotProcessor}. The engine's one reflective call, HikariCP's
 * {@code evictConnection} for a connection a migration left unusable, is registered when HikariCP is
 * there (without it the engine falls back to aborting the connection).
 */
class LockstepRuntimeHints implements RuntimeHintsRegistrar {

    private static final String CLASSPATH = "classpath:";

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        registerLocations(hints, LockstepSettings.LOCATIONS.defaultValue().orElseThrow());
        hints.reflection().registerTypeIfPresent(classLoader, "com.zaxxer.hikari.HikariDataSource",
                type -> type.withMethod("evictConnection", List.of(TypeReference.of(Connection.class)),
                        ExecutableMode.INVOKE));
        // OtherMigrationTools reads which DataSource Flyway or Liquibase migrates.
        hints.reflection().registerTypeIfPresent(classLoader, "org.flywaydb.core.Flyway",
                type -> type.withMethod("getConfiguration", List.of(), ExecutableMode.INVOKE));
        hints.reflection().registerTypeIfPresent(classLoader, "org.flywaydb.core.api.configuration.ClassicConfiguration",
                type -> type.withMethod("getDataSource", List.of(), ExecutableMode.INVOKE));
        hints.reflection().registerTypeIfPresent(classLoader, "liquibase.integration.spring.SpringLiquibase",
                type -> type.withMethod("getDataSource", List.of(), ExecutableMode.INVOKE));
    }

    /** Every file below each {@code classpath:} location; {@code filesystem:} ones are not in the image. */
    static void registerLocations(RuntimeHints hints, List<String> locations) {
        for (String location : locations) {
            if (location.startsWith(CLASSPATH)) {
                String folder = location.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "");
                hints.resources().registerPattern(folder.isEmpty() ? "**/*.sql" : folder + "/**");
            }
        }
    }
}
