package dev.lockstep.test;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points the application under test at the test class's clone: {@code spring.datasource.*} for
 * applications configured by properties (and for slices such as {@code @DataJpaTest}, whose
 * embedded replacement is turned off), and connection details from a Testcontainers
 * {@code @ServiceConnection} rewritten to a clone on that container's server.
 *
 * <p>One customizer, so one application context, per test class: each class has its own
 * database. {@code @LockstepDatabase} carries {@code @DirtiesContext}, so the context closes
 * after the class, and with it its connections to the dropped clone.
 */
final class LockstepDatabaseContextCustomizer implements ContextCustomizer {

    private static final String SERVICE_CONNECTION = "ServiceConnectionContextCustomizer";

    private final Class<?> testClass;

    LockstepDatabaseContextCustomizer(Class<?> testClass) {
        this.testClass = testClass;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        LockstepDatabase settings = LockstepDatabases.settings(testClass);
        if (settings.scope() == LockstepDatabase.Scope.METHOD) {
            throw new IllegalStateException("@LockstepDatabase(scope = METHOD) on " + testClass.getName()
                    + ": a Spring test's application context lives for the whole class, so its database does too; "
                    + "use the default scope CLASS (or a plain JUnit test for a clone per method)");
        }
        ConfigurableEnvironment environment = context.getEnvironment();
        Map<String, String> lockstep = lockstepProperties(environment);
        Map<String, Object> properties = new HashMap<>();
        // @DataJpaTest and the other slices would otherwise swap the DataSource for an embedded one.
        properties.put("spring.test.database.replace", "none");
        if (usesServiceConnection(config)) {
            context.getBeanFactory().addBeanPostProcessor(new CloneConnectionDetails(settings, lockstep));
        } else {
            ClonedDatabase clone = ClassClones.obtain(testClass, () -> LockstepDatabases.newClone(settings,
                    configuredServer(environment), lockstep, testClass));
            properties.put("spring.datasource.url", clone.jdbcUrl());
            properties.put("spring.datasource.username", clone.user());
            properties.put("spring.datasource.password", clone.password());
        }
        environment.getPropertySources().addFirst(new MapPropertySource("lockstepDatabase", properties));
    }

    /**
     * Whether the test declares a Testcontainers {@code @ServiceConnection}: its server is known
     * only as a bean, read in the post-processor. Spring Boot adds its customizer to every context
     * once spring-boot-testcontainers is on the classpath, so only one with sources counts.
     */
    private static boolean usesServiceConnection(MergedContextConfiguration config) {
        return config.getContextCustomizers().stream()
                .filter(customizer -> customizer.getClass().getSimpleName().equals(SERVICE_CONNECTION))
                .anyMatch(LockstepDatabaseContextCustomizer::hasSources);
    }

    private static boolean hasSources(ContextCustomizer serviceConnections) {
        try {
            Method sources = serviceConnections.getClass().getDeclaredMethod("getSources");
            sources.setAccessible(true);
            return !((List<?>) sources.invoke(serviceConnections)).isEmpty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // another Spring Boot: the test's properties, or the test server, then
        }
    }

    /** The test's own {@code spring.datasource.url} when it names a PostgreSQL, else the test server. */
    private static DatabaseServer configuredServer(ConfigurableEnvironment environment) {
        String url = environment.getProperty("spring.datasource.url");
        if (url != null && url.startsWith("jdbc:postgresql:")) {
            return new DatabaseServer(url, environment.getProperty("spring.datasource.username", "postgres"),
                    environment.getProperty("spring.datasource.password", ""));
        }
        return DatabaseServer.forTests();
    }

    private static Map<String, String> lockstepProperties(ConfigurableEnvironment environment) {
        Map<String, String> found = new HashMap<>();
        for (String key : new String[] {"lockstep.locations", "lockstep.schema", "lockstep.table",
                "lockstep.versions"}) {
            String value = environment.getProperty(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return found;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LockstepDatabaseContextCustomizer customizer && customizer.testClass == testClass;
    }

    @Override
    public int hashCode() {
        return testClass.hashCode();
    }

    /** Connection details from a service connection, turned into the class's clone on that server. */
    private final class CloneConnectionDetails implements BeanPostProcessor {

        private final LockstepDatabase settings;
        private final Map<String, String> lockstep;

        CloneConnectionDetails(LockstepDatabase settings, Map<String, String> lockstep) {
            this.settings = settings;
            this.lockstep = lockstep;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof JdbcConnectionDetails details) || !details.getJdbcUrl().startsWith("jdbc:postgresql:")) {
                return bean;
            }
            DatabaseServer server = new DatabaseServer(details.getJdbcUrl(), details.getUsername(),
                    details.getPassword());
            ClonedDatabase clone = ClassClones.obtain(testClass,
                    () -> LockstepDatabases.newClone(settings, server, lockstep, testClass));
            return new JdbcConnectionDetails() {
                @Override
                public String getUsername() {
                    return clone.user();
                }

                @Override
                public String getPassword() {
                    return clone.password();
                }

                @Override
                public String getJdbcUrl() {
                    return clone.jdbcUrl();
                }
            };
        }
    }
}
