package dev.lockstep.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Runs the application's connection-init SQL on each connection of Lockstep's own unpinned
 * DataSource ({@link LockstepConnectionPinning#unpinned}), as the application's pool runs it on its
 * connections: a {@code SET ROLE} there applies to the migrations too.
 */
final class InitializingDataSource extends DelegatingDataSource {

    private final String initSql;

    InitializingDataSource(DataSource target, String initSql) {
        super(target);
        this.initSql = initSql;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return initialized(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return initialized(super.getConnection(username, password));
    }

    private Connection initialized(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(initSql);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
