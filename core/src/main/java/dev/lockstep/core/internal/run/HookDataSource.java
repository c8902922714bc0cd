package dev.lockstep.core.internal.run;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The DataSource a {@link dev.lockstep.core.MigrationHook} gets for a target whose files run with
 * session settings of their own (a schema tenant's {@code search_path}, {@code lockstep.schema} first on
 * it): each connection has them
 * while the hook holds it, so the hook's unqualified names land in the tenant's schema, as the
 * migration's do, and has them put back when the hook closes it, so the pool gets it back as it
 * lent it. A connection whose settings cannot be put back is aborted, never returned changed.
 */
final class HookDataSource implements DataSource {

    private final DataSource pool;
    private final RunTarget target;

    private HookDataSource(RunTarget target) {
        this.pool = target.dataSource();
        this.target = target;
    }

    /** The target's pool itself when its files run with no session settings of their own. */
    static DataSource of(RunTarget target) {
        boolean own = target.searchPath().isPresent() || target.schema().isPresent();
        return own ? new HookDataSource(target) : target.dataSource();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return prepared(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return prepared(pool.getConnection(username, password));
    }

    private Connection prepared(Connection connection) throws SQLException {
        Map<String, String> before = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> setting : target.sessionSettings(connection).entrySet()) {
                before.put(setting.getKey(), set(connection, "current_setting(?)", setting.getKey(), null));
                set(connection, "set_config(?, ?, false)", setting.getKey(), setting.getValue());
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                putBack(connection, before);
                return null;
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    /** The settings as the pool lent the connection, then the connection back; aborted when that fails. */
    private static void putBack(Connection connection, Map<String, String> before) throws SQLException {
        if (connection.isClosed()) {
            return;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // a transaction the hook left open is not the pool's to inherit
            }
            for (Map.Entry<String, String> setting : before.entrySet()) {
                set(connection, "set_config(?, ?, false)", setting.getKey(), setting.getValue());
            }
        } catch (SQLException e) {
            connection.abort(NOW);
            return;
        }
        connection.close();
    }

    private static String set(Connection connection, String call, String name, String value) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT " + call)) {
            s.setString(1, name);
            if (value != null) {
                s.setString(2, value);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }

    /** For {@link Connection#abort}: runs at once, on the caller's thread. */
    private static final Executor NOW = Runnable::run;
}
