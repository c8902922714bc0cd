package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;

/** Fresh databases on the benchmark server, one per measurement, so no tool sees another's work. */
final class Databases {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TestPostgres server;

    Databases(TestPostgres server) {
        this.server = server;
    }

    /** Creates an empty database and returns its name. */
    String create() throws SQLException {
        String name = "lockstep_bench_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return name;
    }

    void drop(String name) throws SQLException {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /**
     * Drops a template database: {@code DROP DATABASE} refuses one still marked {@code IS_TEMPLATE}.
     */
    void dropTemplate(String name) throws SQLException {
        execute("ALTER DATABASE " + name + " WITH IS_TEMPLATE false");
        drop(name);
    }

    /** The server's version as a number, e.g. 170002 for 17.2. */
    int serverVersionNum() throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    /** The server's JDBC URL with another database name. */
    String url(String database) {
        String url = server.jdbcUrl();
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }

    /** A small pool, as a service would have; created before a measurement starts. */
    HikariDataSource pool(String database) {
        return pool(database, 4);
    }

    /** A pool of at most {@code size} connections, opened as they are first asked for. */
    HikariDataSource pool(String database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(database));
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        return new HikariDataSource(config);
    }

    /** An unpooled DataSource: a connection per call, as each of many replicas would open. */
    PGSimpleDataSource unpooled(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url(database));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }

    TestPostgres server() {
        return server;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
