package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfiguration;
import java.util.List;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Includes the migration files in a native image: the default location always (as Spring Boot does
 * for Flyway's), and the configured {@code lockstep.locations} through
 * {@link LockstepLocationsAotProcessor}. The engine itself uses no reflection.
 */
class LockstepRuntimeHints implements RuntimeHintsRegistrar {

    private static final String CLASSPATH = "classpath:";

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        registerLocations(hints, List.of(LockstepConfiguration.DEFAULT_LOCATION));
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
