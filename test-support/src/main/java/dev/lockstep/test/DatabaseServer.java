package dev.lockstep.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server as a JDBC URL of one of its databases (the one templates and clones are
 * managed from) and the user to connect as. The user must be allowed to create databases.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database?...}
 * @param user the user
 * @param password the password, or an empty string
 */
public record DatabaseServer(String jdbcUrl, String user, String password) {

    private static final String PREFIX = "jdbc:postgresql:";

    public DatabaseServer {
        if (jdbcUrl == null || !jdbcUrl.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + jdbcUrl + "' is not a PostgreSQL JDBC URL; write it as "
                    + "jdbc:postgresql://host:5432/database");
        }
        password = password == null ? "" : password;
    }

    /**
     * The server Lockstep's tests use: {@code LOCKSTEP_TEST_JDBC_URL} when set, else Testcontainers
     * where a Docker engine answers, else an embedded PostgreSQL started once per JVM.
     */
    public static DatabaseServer forTests() {
        TestPostgres server = TestPostgres.get();
        return new DatabaseServer(server.jdbcUrl(), server.user(), server.password());
    }

    /** The same URL (host, port, parameters) for another database on this server. */
    public String urlFor(String database) {
        String rest = jdbcUrl.substring(PREFIX.length());
        int query = rest.indexOf('?');
        String parameters = query < 0 ? "" : rest.substring(query);
        String address = query < 0 ? rest : rest.substring(0, query);
        if (!address.startsWith("//")) {
            return PREFIX + database + parameters; // jdbc:postgresql:database, on localhost
        }
        int slash = address.indexOf('/', 2);
        String hosts = slash < 0 ? address : address.substring(0, slash);
        return PREFIX + hosts + "/" + database + parameters;
    }

    /** A session on the database the URL names. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** An unpooled DataSource for a database on this server. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(urlFor(database));
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    @Override
    public String toString() {
        return jdbcUrl + " as " + user;
    }
}
