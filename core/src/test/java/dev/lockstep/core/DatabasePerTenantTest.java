package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Database-per-tenant: 20 databases from a URL template, and a new tenant cloned from a migrated template. */
class DatabasePerTenantTest {

    @TempDir
    Path folder;

    private final String prefix = "lsdb_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    private final List<String> created = new ArrayList<>();

    @AfterEach
    void dropDatabases() throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (String database : created) {
                s.execute("DROP DATABASE IF EXISTS \"" + database + "\"");
            }
        }
    }

    @Test
    void twentyDatabasesFromAUrlTemplateThenANewTenantClonedFromTheTemplate() throws Exception {
        List<String> tenants = IntStream.rangeClosed(1, 20).mapToObj(i -> prefix + i).toList();
        String template = prefix + "template";
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (String database : concat(tenants, template)) {
                s.execute("CREATE DATABASE \"" + database + "\"");
                created.add(database);
            }
        }
        created.add(prefix + "new");
        MigrationDir files = new MigrationDir(folder.resolve("tenant"))
                .add("0001_accounts.up.sql", "CREATE TABLE accounts (id int, tenant text DEFAULT '${tenant}');")
                .add("0002_accounts_index.up.sql", "CREATE INDEX CONCURRENTLY accounts_tenant ON accounts (tenant);");
        TestPostgres server = TestPostgres.get();
        PGSimpleDataSource maintenance = new PGSimpleDataSource();
        maintenance.setURL(server.jdbcUrl());
        maintenance.setUser(server.user());
        maintenance.setPassword(server.password());
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(maintenance)
                        .locations(files.location()))
                .tenants(tenants).databasePerTenant(urlTemplate(), server.user(), server.password())
                .templateDatabase(template).load();

        FleetReport report = fleet.migrate();

        assertThat(report.migrated()).hasSize(20);
        assertThat(report.applied()).isEqualTo(40);
        for (String tenant : tenants) {
            assertThat(single(tenant, "SELECT count(*) FROM lockstep_applied_migrations WHERE state = 'applied'"))
                    .isEqualTo("2");
            assertThat(single(tenant, "SELECT column_default FROM information_schema.columns "
                    + "WHERE table_name = 'accounts' AND column_name = 'tenant'")).contains(tenant);
        }
        // A backend leaves pg_stat_activity a moment after its client closed the connection.
        assertThat(Poll.until(Duration.ofSeconds(10), this::noOtherSessions))
                .as("connections to tenant databases are closed after each run").isTrue();

        TenantStatus added = fleet.createTenant(prefix + "new");

        assertThat(added.state()).isEqualTo(TenantState.MIGRATED);
        assertThat(added.applied()).as("the clone had every migration already").isZero();
        assertThat(single(prefix + "new", "SELECT count(*) FROM lockstep_applied_migrations")).isEqualTo("2");
        assertThat(single(prefix + "new", "SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_tenant'::regclass"))
                .isEqualTo("t");
    }

    /** lockstep.schema in each tenant's database, as in a plain run: the tracker there, and the files' tables too. */
    @Test
    void withASchemaEachTenantsFilesRunInThatSchemaOfItsDatabase() throws Exception {
        // Names outside prefix%: the other test counts the sessions to its own databases by that prefix.
        String own = "lsdbs_" + prefix.substring("lsdb_".length());
        List<String> tenants = List.of(own + "1", own + "2");
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (String database : tenants) {
                s.execute("CREATE DATABASE \"" + database + "\"");
                created.add(database);
            }
        }
        MigrationDir files = new MigrationDir(folder.resolve("schema-tenant"))
                .add("0001_accounts.up.sql", "CREATE TABLE accounts (id int);");
        TestPostgres server = TestPostgres.get();
        PGSimpleDataSource maintenance = new PGSimpleDataSource();
        maintenance.setURL(server.jdbcUrl());
        maintenance.setUser(server.user());
        maintenance.setPassword(server.password());

        LockstepFleet.configure(Lockstep.configure().dataSource(maintenance).locations(files.location()).schema("app"))
                .tenants(tenants).databasePerTenant(urlTemplate(), server.user(), server.password()).load().migrate();

        for (String tenant : tenants) {
            assertThat(single(tenant, "SELECT to_regclass('app.lockstep_applied_migrations') IS NOT NULL")).isEqualTo("t");
            assertThat(single(tenant, "SELECT to_regclass('app.accounts') IS NOT NULL")).as("the file's table, where "
                    + "its tracker is").isEqualTo("t");
            assertThat(single(tenant, "SELECT to_regclass('public.accounts')")).isNull();
        }
    }

    private static List<String> concat(List<String> list, String one) {
        List<String> all = new ArrayList<>(list);
        all.add(one);
        return all;
    }

    /** The server's URL with {@code ${tenant}} as the database name. */
    private static String urlTemplate() {
        String url = TestPostgres.get().jdbcUrl();
        int hostStart = url.indexOf("//") + 2;
        int slash = url.indexOf('/', hostStart);
        int query = url.indexOf('?', hostStart);
        String rest = query < 0 ? "" : url.substring(query);
        return (slash < 0 || (query >= 0 && slash > query) ? url.substring(0, query < 0 ? url.length() : query)
                : url.substring(0, slash)) + "/${tenant}" + rest;
    }

    private boolean noOtherSessions() throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '" + prefix
                        + "%'")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    private static String single(String database, String sql) throws SQLException {
        TestPostgres server = TestPostgres.get();
        try (Connection c = DriverManager.getConnection(urlTemplate().replace("${tenant}", database), server.user(),
                server.password()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
