package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.UnaryOperator;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One place an engine acts, of each kind a command must compose with, built the way a user builds it
 * through the Java API: a plain engine on its own schema, a schema tenant of a fleet whose DataSource
 * is on another schema (the tenant's schema off the connection's {@code search_path}), a database
 * tenant from a URL template, a named target (its own DataSource, tracker table and lock key). The
 * same strings build it in this JVM and in a process of its own ({@link MatrixProcess}), so a kill
 * can be real.
 *
 * @param home the fleet's schema, on every connection's {@code search_path}: the decoy lives there
 * @param name the target's schema (plain, named, schema tenant) or database (database tenant)
 */
record MatrixTarget(Kind kind, String home, String name, String location, long lockKey, Server server) {

    /** The server, as this JVM found it: a process of its own is handed the same one, not a second. */
    record Server(String url, String user, String password) {

        static Server ofTests() {
            TestPostgres server = TestPostgres.get();
            return new Server(server.jdbcUrl(), server.user(), server.password());
        }
    }

    enum Kind {
        PLAIN, SCHEMA_TENANT, DATABASE_TENANT, NAMED_TARGET
    }

    /** The named target's tracker table, as {@code lockstep.targets.orders.table} would set it. */
    static final String NAMED_TABLE = "orders_migrations";

    static final int ARGS = 8;

    List<String> args() {
        return List.of(kind.name(), home, name, location, Long.toString(lockKey), server.url(), server.user(),
                server.password());
    }

    static MatrixTarget of(List<String> args) {
        return new MatrixTarget(Kind.valueOf(args.get(0)), args.get(1), args.get(2), args.get(3),
                Long.parseLong(args.get(4)), new Server(args.get(5), args.get(6), args.get(7)));
    }

    /** The engine with its runner name and the test's settings; {@code readOnly}: every session read-only. */
    Lockstep engine(String runnerName, boolean readOnly, UnaryOperator<LockstepConfiguration> settings) {
        return switch (kind) {
            case PLAIN -> settings.apply(base(dataSource(name, readOnly), runnerName)).load();
            case NAMED_TARGET -> settings.apply(base(dataSource(name, readOnly), runnerName).table(NAMED_TABLE)).load();
            case SCHEMA_TENANT -> LockstepFleet.configure(settings.apply(base(dataSource(home, readOnly), runnerName)))
                    .tenants(List.of(name)).load().tenant(name);
            case DATABASE_TENANT -> LockstepFleet.configure(settings.apply(base(dataSource(home, readOnly),
                            runnerName)))
                    .tenants(List.of(name)).databasePerTenant(urlTemplate(readOnly), server.user(),
                            server.password()).load().tenant(name);
        };
    }

    Lockstep engine(UnaryOperator<LockstepConfiguration> settings) {
        return engine("matrix", false, settings);
    }

    Lockstep engine() {
        return engine(c -> c);
    }

    private LockstepConfiguration base(PGSimpleDataSource dataSource, String runnerName) {
        return Lockstep.configure().dataSource(dataSource).locations(location).lockKey(lockKey).runnerName(runnerName);
    }

    /** A DataSource on the server's database whose sessions start in {@code schema}. */
    private PGSimpleDataSource dataSource(String schema, boolean readOnly) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        String url = server.url();
        dataSource.setURL(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        dataSource.setUser(server.user());
        dataSource.setPassword(server.password());
        if (readOnly) {
            dataSource.setOptions("-c default_transaction_read_only=on");
        }
        return dataSource;
    }

    /** The server's URL with {@code ${tenant}} as the database name. */
    private String urlTemplate(boolean readOnly) {
        String url = server.url();
        int hostStart = url.indexOf("//") + 2;
        int slash = url.indexOf('/', hostStart);
        int query = url.indexOf('?', hostStart);
        String rest = query < 0 ? "" : url.substring(query);
        String template = (slash < 0 || (query >= 0 && slash > query) ? url.substring(0, query < 0 ? url.length()
                : query) : url.substring(0, slash)) + "/${tenant}" + rest;
        return readOnly ? template + (rest.isEmpty() ? "?" : "&") + "options=-c%20default_transaction_read_only%3Don"
                : template;
    }

    /** A new session where the target's tables are: its database, its schema first on search_path. */
    Connection connect() throws SQLException {
        if (kind == Kind.DATABASE_TENANT) {
            return DriverManager.getConnection(urlTemplate(false).replace("${tenant}", name), server.user(),
                    server.password());
        }
        Connection connection = dataSource(name, false).getConnection();
        return connection;
    }

    /** The target's tracker table, unqualified: found on the target's search_path. */
    String tracker() {
        return kind == Kind.NAMED_TARGET ? NAMED_TABLE : "lockstep_applied_migrations";
    }

    /** The first column of the first row of a query run in the target; null when it returns no row. */
    Object value(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The target's tracker rows as "version_name:state"; empty when it has no tracker. */
    List<String> rows() {
        if (value("SELECT to_regclass('" + tracker() + "')") == null) {
            return List.of();
        }
        try (Connection c = connect()) {
            return Sql.rows(c, "SELECT version, name, state FROM " + tracker() + " ORDER BY version, name").stream()
                    .map(r -> r.get("version") + "_" + r.get("name") + ":" + r.get("state")).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many rows the target's own accounts table has; -1 when it has none. */
    long accounts() {
        if (value("SELECT to_regclass('accounts')") == null) {
            return -1;
        }
        return ((Number) value("SELECT count(*) FROM accounts")).longValue();
    }
}
