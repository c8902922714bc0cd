package dev.lockstep.test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A schema of its own for one test: connections from it have the schema as their only
 * {@code search_path} entry, so unqualified names, and Lockstep's tracker, land there. It also
 * gives the test a lock key of its own. Closing it closes its pools and drops the schema.
 */
public final class TestSchema implements AutoCloseable {

    private final TestPostgres server;
    private final String name;
    private final long lockKey = ThreadLocalRandom.current().nextLong();
    private final List<HikariDataSource> pools = new ArrayList<>();

    TestSchema(TestPostgres server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** A random advisory lock key, so a test never contends with others or with a real runner. */
    public long lockKey() {
        return lockKey;
    }

    /** The server's JDBC URL with this schema as the current schema. */
    public String jdbcUrl() {
        String url = server.jdbcUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** An unpooled DataSource: every {@code getConnection()} opens a new session. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }

    /** A HikariCP pool of at most {@code size} connections, closed with this schema. */
    public HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(30_000);
        config.setPoolName("lockstep-test-" + name);
        HikariDataSource pool = new HikariDataSource(config);
        synchronized (pools) {
            pools.add(pool);
        }
        return pool;
    }

    /** A new session in this schema. */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    @Override
    public void close() {
        synchronized (pools) {
            pools.forEach(HikariDataSource::close);
            pools.clear();
        }
        server.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
}
