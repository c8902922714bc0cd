package dev.lockstep.test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The clone of each {@code @LockstepDatabase} test class, shared by the JUnit extension (which
 * drops it after the class) and the Spring test support (which points the application at it),
 * whichever asks first creating it.
 */
final class ClassClones {

    private static final Map<Class<?>, ClonedDatabase> CLONES = new ConcurrentHashMap<>();
    private static final Set<Class<?>> FAILED = ConcurrentHashMap.newKeySet();

    private ClassClones() {
    }

    static ClonedDatabase obtain(Class<?> testClass, Supplier<ClonedDatabase> create) {
        return CLONES.computeIfAbsent(testClass, key -> create.get());
    }

    static void failed(Class<?> testClass) {
        FAILED.add(testClass);
    }

    /** Forgets the class's clone; drops it, or keeps it (and says so) after a failure if asked. */
    static void release(Class<?> testClass, boolean keepOnFailure) {
        ClonedDatabase clone = CLONES.remove(testClass);
        boolean failed = FAILED.remove(testClass);
        if (clone != null) {
            Kept.dropOrKeep(clone, failed && keepOnFailure, testClass.getName());
        }
    }

    /** What happens to a clone when its test is over. */
    static final class Kept {

        private Kept() {
        }

        static void dropOrKeep(ClonedDatabase clone, boolean keep, String test) {
            if (keep) {
                System.out.println("Lockstep kept the database of failed test " + test + ": " + clone.jdbcUrl()
                        + " (drop it with DROP DATABASE " + clone.name() + ")");
            } else {
                clone.drop();
            }
        }
    }
}
