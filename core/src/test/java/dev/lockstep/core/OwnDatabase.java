package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of a test's own on the test server, for what belongs to a whole database (expand/contract's
 * version schemas, its sessions by release): created, then dropped with its sessions.
 */
public final class OwnDatabase implements AutoCloseable {

    private final String name;
    private final String url;

    public OwnDatabase(String prefix) throws SQLException {
        name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        url = TestPostgres.get().jdbcUrl(name);
    }

    public String url() {
        return url;
    }

    /** A DataSource of plain connections, unpooled. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(TestPostgres.get().user());
        ds.setPassword(TestPostgres.get().password());
        return ds;
    }

    /** The first column of the first row, or null. */
    public String single(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, TestPostgres.get().user(), TestPostgres.get().password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
