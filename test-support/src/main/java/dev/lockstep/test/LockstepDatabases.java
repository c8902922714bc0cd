package dev.lockstep.test;

import java.util.Arrays;
import java.util.Map;

/**
 * What {@link LockstepDatabase} asks for, read the same way by the JUnit extension and the Spring
 * test support: the annotation that applies to a test class, and a clone made to its settings.
 */
final class LockstepDatabases {

    private LockstepDatabases() {
    }

    /** The annotation on the class, a superclass, or a class it is nested in; null if none. */
    static LockstepDatabase find(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            LockstepDatabase found = c.getAnnotation(LockstepDatabase.class);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static LockstepDatabase settings(Class<?> testClass) {
        LockstepDatabase found = find(testClass);
        if (found == null) {
            throw new IllegalStateException(testClass.getName() + " is not annotated with @LockstepDatabase");
        }
        return found;
    }

    /**
     * A clone of the template for these settings: {@code applicationProperties} (a Spring test's
     * {@code lockstep.*}) first, then the annotation's, which win.
     */
    static ClonedDatabase newClone(LockstepDatabase settings, DatabaseServer server,
            Map<String, String> applicationProperties, Class<?> testClass) {
        TemplateDatabase.Builder template = TemplateDatabase.builder().server(server)
                .classLoader(testClass.getClassLoader()).strategy(settings.strategy());
        if (settings.locations().length > 0) {
            template.locations(settings.locations());
        } else if (applicationProperties.containsKey("lockstep.locations")) {
            template.property("lockstep.locations", applicationProperties.get("lockstep.locations"));
        }
        applicationProperties.forEach((key, value) -> {
            if (!key.equals("lockstep.locations")) {
                template.property(key, value);
            }
        });
        Arrays.stream(settings.properties()).forEach(line -> {
            int equals = line.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("@LockstepDatabase(properties = \"" + line + "\") on "
                        + testClass.getName() + ": write each as key=value, e.g. lockstep.table=schema_history");
            }
            template.property(line.substring(0, equals).trim(), line.substring(equals + 1));
        });
        return template.build().newClone();
    }
}
