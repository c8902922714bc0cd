package dev.lockstep.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A real PostgreSQL server for tests, found once per JVM, in this order:
 * <ol>
 *   <li>{@code LOCKSTEP_TEST_JDBC_URL} (with {@code LOCKSTEP_TEST_JDBC_USER} and
 *       {@code LOCKSTEP_TEST_JDBC_PASSWORD}) when set: a server you run yourself;</li>
 *   <li>Testcontainers, when it is on the classpath and a Docker engine answers;</li>
 *   <li>an embedded PostgreSQL (zonky, pinned binaries), started once and stopped at exit.</li>
 * </ol>
 * Tests never share state through it: each takes its own schema from {@link #newSchema()}, so
 * they can run in parallel on one server and never block a real runner that shares it.
 */
public final class TestPostgres {

    public static final String URL_VARIABLE = "LOCKSTEP_TEST_JDBC_URL";

    private static final AtomicLong SCHEMAS = new AtomicLong();
    private static volatile TestPostgres instance;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String source;
    private volatile Integer majorVersion;

    TestPostgres(String jdbcUrl, String user, String password, String source) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.source = source;
    }

    /** The server for this JVM, found (or started) on first use. */
    public static TestPostgres get() {
        TestPostgres found = instance;
        if (found == null) {
            synchronized (TestPostgres.class) {
                found = instance;
                if (found == null) {
                    found = find();
                    instance = found;
                    System.out.println("Lockstep tests use PostgreSQL from " + found.source + ": " + found.jdbcUrl);
                }
            }
        }
        return found;
    }

    private static TestPostgres find() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new TestPostgres(url, envOr("LOCKSTEP_TEST_JDBC_USER", "postgres"),
                    envOr("LOCKSTEP_TEST_JDBC_PASSWORD", ""), URL_VARIABLE);
        }
        if (ContainerPostgres.dockerAvailable()) {
            return ContainerPostgres.start();
        }
        return EmbeddedServer.start();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The server's URL with {@code database} in place of its database, parameters kept. */
    public String jdbcUrl(String database) {
        int hostStart = jdbcUrl.indexOf("//") + 2;
        int slash = jdbcUrl.indexOf('/', hostStart);
        int query = jdbcUrl.indexOf('?', hostStart);
        String server = jdbcUrl.substring(0, slash < 0 || query >= 0 && slash > query
                ? (query < 0 ? jdbcUrl.length() : query) : slash);
        return server + "/" + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Where the server came from: the environment variable, Testcontainers or embedded. */
    public String source() {
        return source;
    }

    /** The server's major version (13 for 13.23), read once. */
    public int majorVersion() {
        Integer known = majorVersion;
        if (known == null) {
            try (Connection c = connect()) {
                known = c.getMetaData().getDatabaseMajorVersion();
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read the test server's version: " + e.getMessage(), e);
            }
            majorVersion = known;
        }
        return known;
    }

    /** A new connection to the server's database, outside any test schema. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Creates an empty schema with a unique name; close the result to drop it. */
    public TestSchema newSchema() {
        String name = "lockstep_test_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        execute("CREATE SCHEMA " + name);
        return new TestSchema(this, name);
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database statement failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    static <T> T orFail(String what, Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not start " + what + " for the tests. Set " + URL_VARIABLE
                    + " to a PostgreSQL you run (e.g. jdbc:postgresql://127.0.0.1:5432/test) instead.", e);
        }
    }
}
