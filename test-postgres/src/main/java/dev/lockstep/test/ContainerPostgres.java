package dev.lockstep.test;

/**
 * PostgreSQL in a Testcontainers container, used when Testcontainers is on the classpath and a
 * Docker engine answers. Every Testcontainers class is touched only after both checks pass, so
 * without Docker (or without the library) this path is skipped cleanly.
 */
final class ContainerPostgres {

    private static final String IMAGE = "postgres:18-alpine";

    private ContainerPostgres() {
    }

    static boolean dockerAvailable() {
        if (!"true".equals(System.getProperty("lockstep.test.testcontainers", "true"))) {
            return false;
        }
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerPostgres.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return Docker.available();
    }

    static TestPostgres start() {
        return TestPostgres.orFail("PostgreSQL in Testcontainers", Docker::start);
    }

    /** Holds the Testcontainers references, so this class loads only when the library is present. */
    private static final class Docker {

        static boolean available() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        @SuppressWarnings("resource") // stopped by Testcontainers' Ryuk when the JVM exits
        static TestPostgres start() {
            var container = new org.testcontainers.postgresql.PostgreSQLContainer(IMAGE)
                    .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
            container.start();
            return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers (" + IMAGE + ")");
        }
    }
}
