package dev.lockstep.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Gives the test class a migrated database of its own, cloned from a template that is migrated
 * once per set of migration files.
 *
 * <p>In a plain JUnit 5 test, declare a parameter of type {@link javax.sql.DataSource},
 * {@link java.sql.Connection} (opened for the test, closed after it) or {@link ClonedDatabase}.
 * In a Spring Boot test ({@code @SpringBootTest}, {@code @DataJpaTest}, ...), the application's
 * {@code spring.datasource.*} point at the clone, so Lockstep in the application finds nothing
 * to apply; the server is the one the test's configuration names (or a Testcontainers
 * {@code @ServiceConnection}), else {@link DatabaseServer#forTests()}. The application context is
 * closed after the class ({@code @DirtiesContext}), as its database is dropped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LockstepDatabaseExtension.class)
@DirtiesContext
public @interface LockstepDatabase {

    /**
     * As {@code lockstep.locations}. Empty: in a Spring test the application's
     * {@code lockstep.locations}, else {@code classpath:db/migrations}.
     */
    String[] locations() default {};

    /**
     * Lockstep properties that decide the schema, as {@code key=value}: {@code lockstep.schema},
     * {@code lockstep.table}, {@code lockstep.versions}. In a Spring test the application's own
     * apply as well; these win.
     */
    String[] properties() default {};

    /** One clone for the whole class, or one for each test method (plain JUnit tests only). */
    Scope scope() default Scope.CLASS;

    /** Keep the clone of a failed test, and print its name, to look at what the test left behind. */
    boolean keepOnFailure() default false;

    CloneStrategy strategy() default CloneStrategy.AUTO;

    /** How long a clone lives. */
    enum Scope {
        /** Created for the first test of the class that needs it, dropped after the class. */
        CLASS,
        /** Created for each test method, dropped after it. */
        METHOD
    }
}
