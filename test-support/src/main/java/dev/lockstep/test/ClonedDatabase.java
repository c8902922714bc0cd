package dev.lockstep.test;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A database cloned from a {@link TemplateDatabase}: migrated, and this test's alone. Closing it
 * drops it.
 */
public final class ClonedDatabase implements AutoCloseable {

    private final DatabaseServer server;
    private final String name;
    private boolean dropped;

    ClonedDatabase(DatabaseServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The JDBC URL of this database: the server's URL with the database name replaced. */
    public String jdbcUrl() {
        return server.urlFor(name);
    }

    public String user() {
        return server.user();
    }

    public String password() {
        return server.password();
    }

    /** An unpooled DataSource: every {@code getConnection()} opens a new session. */
    public DataSource dataSource() {
        return server.dataSource(name);
    }

    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** Drops the database, ending any session still on it. */
    public synchronized void drop() {
        if (!dropped) {
            TemplateCatalog.dropClone(server, name);
            dropped = true;
        }
    }

    @Override
    public void close() {
        drop();
    }

    @Override
    public String toString() {
        return name + " (" + jdbcUrl() + ")";
    }
}
