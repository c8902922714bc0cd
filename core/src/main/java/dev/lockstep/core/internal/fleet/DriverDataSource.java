package dev.lockstep.core.internal.fleet;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One tenant database, reached through the driver with no pool: every connection is a physical
 * one, closed when the run closes it, so a fleet of 1,000 databases holds connections only to the
 * tenants migrating right now.
 */
public final class DriverDataSource implements DataSource {

    private final String url;
    private final Properties credentials = new Properties();

    public DriverDataSource(String url, String user, String password) {
        this.url = url;
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        registerPostgresDriver();
    }

    /**
     * DriverManager finds drivers on the system class path; in a Spring Boot jar the driver is in
     * the application's loader, so load it there first (it registers itself).
     */
    private static void registerPostgresDriver() {
        try {
            Class.forName("org.postgresql.Driver", true, DriverDataSource.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // Another driver, or the class path has one DriverManager finds itself.
        }
    }

    public String url() {
        return url;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, credentials);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return url;
    }
}
