package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.autoconfigure.actuate.endpoint.LockstepEndpoint;
import dev.lockstep.autoconfigure.actuate.endpoint.LockstepEndpointAutoConfiguration;
import dev.lockstep.autoconfigure.actuate.health.LockstepHealthAutoConfiguration;
import dev.lockstep.autoconfigure.actuate.health.LockstepHealthIndicator;
import dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters;
import dev.lockstep.autoconfigure.actuate.metrics.LockstepMetricsAutoConfiguration;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.TenantState;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code lockstep.targets}: named migration sets on their own DataSources, in order, and a fleet of tenants. */
class LockstepTargetsTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LockstepAutoConfiguration.class,
                    LockstepHealthAutoConfiguration.class, LockstepMetricsAutoConfiguration.class,
                    LockstepEndpointAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            // Named targets alone: this module's test classes hold a db/migrations, which would be the main set.
            .withPropertyValues("management.endpoints.web.exposure.include=lockstep", "lockstep.locations=");

    @TempDir
    Path folder;

    private final String prefix = "boot_fleet_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL)
            + "_";
    private TestSchema orders;
    private TestSchema billing;

    @BeforeEach
    void createSchemas() {
        orders = TestPostgres.get().newSchema();
        billing = TestPostgres.get().newSchema();
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (int i = 1; i <= 3; i++) {
                s.execute("DROP SCHEMA IF EXISTS \"" + prefix + i + "\" CASCADE");
            }
        }
        orders.close();
        billing.close();
    }

    @Test
    void twoTargetsOnTwoDataSourcesRunInTheOrderWrittenEachWithItsOwnHealthAndMeters() throws Exception {
        String ordersFiles = files("orders", "0001_orders.up.sql", "CREATE TABLE orders (id int);");
        String billingFiles = files("billing", "0001_invoices.up.sql", "CREATE TABLE invoices (id int);");
        // Written billing first: the order of the properties is the order of the runs.
        contextRunner.withBean("billingDataSource", DataSource.class, billing::dataSource)
                .withBean("ordersDataSource", DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.billing.data-source=billingDataSource",
                        "lockstep.targets.billing.locations=" + billingFiles,
                        "lockstep.targets.orders.data-source=ordersDataSource",
                        "lockstep.targets.orders.locations=" + ordersFiles)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(Lockstep.class);
                    assertThat(exists(orders, "orders")).isTrue();
                    assertThat(exists(billing, "invoices")).isTrue();
                    assertThat(exists(orders, "invoices")).as("billing's files stay in billing's database").isFalse();
                    assertThat(appliedAt(billing)).as("billing, written first, ran first")
                            .isBefore(appliedAt(orders));

                    Health health = context.getBean(LockstepHealthIndicator.class).health(true);
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> targets = (Map<String, Map<String, Object>>) health.getDetails()
                            .get("targets");
                    assertThat(targets.keySet()).containsExactly("billing", "orders");
                    assertThat(targets.get("orders")).containsEntry("status", "UP").containsEntry("applied", 1);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(LockstepMeters.RUN).tag(LockstepMeters.TARGET, "orders")
                            .tag("outcome", "success").timer().count()).isEqualTo(1);

                    Object described = context.getBean(LockstepEndpoint.class).migrations();
                    assertThat(((LockstepEndpoint.TargetsDescriptor) described).targets())
                            .containsOnlyKeys("billing", "orders");
                });
    }

    @Test
    void aTargetWithTenantsMigratesEachSchemaWithPlaceholdersAndReportsTheFleet() throws Exception {
        String tenantFiles = files("tenants", "0001_accounts.up.sql",
                "CREATE TABLE accounts (id int);\nCOMMENT ON TABLE accounts IS '${tenant} of ${app}';");
        contextRunner.withBean(DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.tenants.locations=" + tenantFiles,
                        "lockstep.targets.tenants.tenants.list=" + prefix + "1," + prefix + "2," + prefix + "3",
                        "lockstep.targets.tenants.placeholders.app=shop",
                        "lockstep.fleet.canaries=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    LockstepFleet fleet = context.getBean(LockstepTargets.class).fleet("tenants").orElseThrow();
                    assertThat(fleet.state(prefix + "3")).isEqualTo(TenantState.MIGRATED);
                    assertThat(comment(prefix + "2")).isEqualTo(prefix + "2 of shop");

                    Health health = context.getBean(LockstepHealthIndicator.class).health(true);
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails().get("targets").toString()).contains("migrated=3");

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(LockstepMeters.FLEET_TENANTS).tag(LockstepMeters.STATE, "migrated")
                            .gauge().value()).isEqualTo(3);
                    assertThat(registry.get(LockstepMeters.FLEET_TENANT_RUN).tag("outcome", "success").timer()
                            .count()).isEqualTo(3);

                    var page = (LockstepEndpoint.FleetDescriptor) context.getBean(LockstepEndpoint.class)
                            .target("tenants", 1, 1);
                    assertThat(page.tenants()).extracting(LockstepEndpoint.TenantDescriptor::tenant)
                            .containsExactly(prefix + "2");
                });
    }

    /** {@code lockstep.drift.check=after-start} in a named target and in each tenant of a fleet target. */
    @Test
    void driftAfterStartIsLookedForInEachTargetAndTenantAndReportedPerTarget() throws Exception {
        String ordersFiles = files("orders", "0001_orders.up.sql", "CREATE TABLE orders (id int, total int);");
        String tenantFiles = files("tenants", "0001_accounts.up.sql", "CREATE TABLE accounts (id int, note text);");
        contextRunner.withBean("ordersDataSource", DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.orders.data-source=ordersDataSource",
                        "lockstep.targets.orders.locations=" + ordersFiles,
                        "lockstep.targets.tenants.data-source=ordersDataSource",
                        "lockstep.targets.tenants.locations=" + tenantFiles,
                        "lockstep.targets.tenants.tenants.list=" + prefix + "1," + prefix + "2",
                        "lockstep.drift.check=after-start")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    try (Connection c = orders.connect(); Statement s = c.createStatement()) {
                        s.execute("CREATE INDEX orders_total_hotfix ON orders (total)");
                        s.execute("ALTER TABLE \"" + prefix + "2\".accounts ADD COLUMN extra int");
                    }
                    ready(context);

                    LockstepHealthIndicator indicator = context.getBean(LockstepHealthIndicator.class);
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
                        String details = indicator.health(true).getDetails().get("targets").toString();
                        return details.contains("state=found") && details.contains("tenants={found=1, none=1}");
                    });
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> targets = (Map<String, Map<String, Object>>) indicator
                            .health(true).getDetails().get("targets");
                    assertThat(targets.get("orders").get("drift").toString()).contains("state=found")
                            .contains("+ index orders_total_hotfix");
                    assertThat(targets.get("tenants").get("drift").toString()).contains(prefix + "2=")
                            .contains("+ column accounts.extra").doesNotContain(prefix + "1=");
                    assertThat(indicator.health(true).getStatus()).as("drift never changes the status")
                            .isEqualTo(Status.UP);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(LockstepMeters.DRIFT_DIFFERENCES).tag(LockstepMeters.TARGET, "orders")
                            .gauge().value()).isEqualTo(1);
                    assertThat(registry.get(LockstepMeters.DRIFT_DIFFERENCES).tag(LockstepMeters.TARGET, "tenants")
                            .gauge().value()).isEqualTo(1);
                });
    }

    /**
     * The jobs' worker in a named target and in each tenant of a fleet target: each tenant's rows
     * backfilled in its own schema, health per target (a fleet's as counts per state), meters tagged
     * with the target.
     */
    @Test
    void batchedJobsRunAfterStartInEachTargetAndTenant() throws Exception {
        String ordersFiles = files("orders", "0001_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, "
                + "total int NOT NULL);\nINSERT INTO orders SELECT i, i FROM generate_series(1, 300) i;");
        files("orders", "0002_double_totals.up.sql", "-- lockstep:batched table=orders key=id\n"
                + "UPDATE orders SET total = total * 2 WHERE id >= ${batch.from} AND id < ${batch.to}");
        String tenantFiles = files("tenants", "0001_accounts.up.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, "
                + "note text);\nINSERT INTO accounts SELECT i, 'n' || i FROM generate_series(1, 200) i;");
        files("tenants", "0002_upper_notes.up.sql", "-- lockstep:batched table=accounts key=id\n"
                + "UPDATE accounts SET note = upper(note) WHERE id >= ${batch.from} AND id < ${batch.to}");
        contextRunner.withBean("ordersDataSource", DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.orders.data-source=ordersDataSource",
                        "lockstep.targets.orders.locations=" + ordersFiles,
                        "lockstep.targets.tenants.data-source=ordersDataSource",
                        "lockstep.targets.tenants.locations=" + tenantFiles,
                        "lockstep.targets.tenants.tenants.list=" + prefix + "1," + prefix + "2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(count(orders, "SELECT count(*) FROM orders WHERE total = id * 2")).isZero();
                    ready(context);

                    LockstepHealthIndicator indicator = context.getBean(LockstepHealthIndicator.class);
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
                        String details = indicator.health(true).getDetails().get("targets").toString();
                        return details.contains("state=finished") && details.contains("states={finished=2}");
                    });
                    assertThat(count(orders, "SELECT count(*) FROM orders WHERE total = id * 2")).isEqualTo(300);
                    for (int i = 1; i <= 2; i++) {
                        assertThat(count(orders, "SELECT count(*) FROM \"" + prefix + i + "\".accounts WHERE note = "
                                + "upper('n' || id)")).as("tenant %s", i).isEqualTo(200);
                    }
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(LockstepMeters.JOB_ROWS).tag(LockstepMeters.TARGET, "orders").counter()
                            .count()).isEqualTo(300);
                    assertThat(registry.get(LockstepMeters.JOB_ROWS).tag(LockstepMeters.TARGET, "tenants").counter()
                            .count()).isEqualTo(400);
                    assertThat(registry.get(LockstepMeters.JOBS).tag(LockstepMeters.TARGET, "tenants")
                            .tag(LockstepMeters.STATE, "finished").gauge().value()).isEqualTo(2);
                });
    }

    /** What Spring Boot publishes once the application is ready, which the runner does not. */
    private static void ready(org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
        context.publishEvent(new org.springframework.boot.context.event.ApplicationReadyEvent(
                new org.springframework.boot.SpringApplication(), new String[0], context.getSourceApplicationContext(),
                java.time.Duration.ZERO));
    }

    private static long count(TestSchema schema, String sql) throws SQLException {
        try (Connection c = schema.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void underContinueAFailedTenantLetsTheApplicationStartWithHealthDownNamingIt() throws Exception {
        String tenantFiles = files("tenants", "0001_accounts.up.sql", "CREATE TABLE accounts (id int);");
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + prefix + "2\"");
            s.execute("CREATE TABLE \"" + prefix + "2\".accounts (id int)");
        }
        contextRunner.withBean(DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.tenants.locations=" + tenantFiles,
                        "lockstep.targets.tenants.tenants.list=" + prefix + "1," + prefix + "2," + prefix + "3",
                        "lockstep.fleet.on-failure=continue")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Health health = context.getBean(LockstepHealthIndicator.class).health(true);
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("targets").toString()).contains("failed=1")
                            .contains(prefix + "2=").contains("0001_accounts.up.sql");
                    LockstepFleet fleet = context.getBean(LockstepTargets.class).fleet("tenants").orElseThrow();
                    assertThat(fleet.state(prefix + "3")).isEqualTo(TenantState.MIGRATED);
                });
    }

    /**
     * {@code lockstep.mode=undo} (and validate, preview) on a target with tenants acts in each tenant's
     * schema, with its search_path: the application's own {@code accounts} (the DataSource's schema) is
     * never touched.
     */
    @Test
    void undoModeOnATargetWithTenantsUndoesInEachTenantsSchemaAndValidateNamesTheTenant() throws Exception {
        String tenantFiles = files("tenants", "0001_accounts.up.sql", "CREATE TABLE accounts (id int);\n"
                + "INSERT INTO accounts VALUES (1);");
        Files.writeString(folder.resolve("tenants").resolve("0001_accounts.down.sql"),
                "DELETE FROM accounts;\nDROP TABLE accounts;");
        try (Connection c = orders.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int); INSERT INTO accounts VALUES (1), (2), (3)");
        }
        String[] tenants = {"lockstep.targets.tenants.locations=" + tenantFiles,
                "lockstep.targets.tenants.tenants.list=" + prefix + "1," + prefix + "2"};
        contextRunner.withBean(DataSource.class, orders::dataSource).withPropertyValues(tenants)
                .run(context -> assertThat(context).hasNotFailed());

        contextRunner.withBean(DataSource.class, orders::dataSource).withPropertyValues(tenants)
                .withPropertyValues("lockstep.mode=undo", "lockstep.undo.last=1")
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(exists(orders, "accounts")).as("the application's own table").isTrue();
        try (Connection c = orders.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM accounts), (SELECT string_agg(state, ',') "
                        + "FROM \"" + prefix + "1\".lockstep_applied_migrations), to_regclass('\"" + prefix
                        + "2\".accounts')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3);
            assertThat(rs.getString(2)).isEqualTo("undone");
            assertThat(rs.getString(3)).as("the tenant's table is gone").isNull();
        }
        contextRunner.withBean(DataSource.class, orders::dataSource).withPropertyValues(tenants)
                .withPropertyValues("lockstep.mode=validate")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("Target 'tenants', tenant " + prefix + "1: Validation failed"));
    }

    /** A target overrides any setting of the catalog under the name lockstep.* gives it, its fleet's too. */
    @Test
    void aTargetOverridesAnyEngineOrFleetSettingUnderTheSameName() throws Exception {
        String shared = files("shared", "0001_a.up.sql", "CREATE TABLE a (id int);");
        Files.writeString(folder.resolve("shared").resolve("0001_b.up.sql"), "CREATE TABLE b (id int);");
        String tenantFiles = files("tenants", "0001_accounts.up.sql", "CREATE TABLE accounts (id int);");
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + prefix + "1\"");
            s.execute("CREATE TABLE \"" + prefix + "1\".accounts (id int)");
        }
        contextRunner.withBean(DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.versions=unique", "lockstep.fleet.on-failure=stop-on-first-failure",
                        "lockstep.targets.shared.locations=" + shared,
                        "lockstep.targets.shared.versions=shared",
                        "lockstep.targets.shared.lock.timeout=30s",
                        "lockstep.targets.tenants.locations=" + tenantFiles,
                        "lockstep.targets.tenants.tenants.list=" + prefix + "1," + prefix + "2",
                        "lockstep.targets.tenants.fleet.on-failure=continue")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(exists(orders, "a") && exists(orders, "b")).as("versions=shared for this target")
                            .isTrue();
                    LockstepFleet fleet = context.getBean(LockstepTargets.class).fleet("tenants").orElseThrow();
                    assertThat(fleet.state(prefix + "1")).isEqualTo(TenantState.FAILED);
                    assertThat(fleet.state(prefix + "2")).as("on-failure=continue for this target")
                            .isEqualTo(TenantState.MIGRATED);
                });
    }

    @Test
    void aTargetWithoutLocationsFailsStartupNamingTheProperty() {
        contextRunner.withBean(DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.orders.schema=" + orders.name())
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("lockstep.targets.orders.locations"));
    }

    @Test
    void aDataSourceNameThatIsNoBeanFailsStartupListingTheBeans() throws Exception {
        String ordersFiles = files("orders", "0001_orders.up.sql", "CREATE TABLE orders (id int);");
        contextRunner.withBean("ordersDataSource", DataSource.class, orders::dataSource)
                .withPropertyValues("lockstep.targets.orders.data-source=orderDataSource",
                        "lockstep.targets.orders.locations=" + ordersFiles)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("lockstep.targets.orders.data-source")
                        .hasMessageContaining("ordersDataSource"));
    }

    private String files(String set, String name, String sql) throws IOException {
        Path dir = folder.resolve(set);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), sql);
        return "filesystem:" + dir;
    }

    private static boolean exists(TestSchema schema, String table) throws SQLException {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + schema.name() + "." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static java.sql.Timestamp appliedAt(TestSchema schema) throws SQLException {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(applied_at) FROM lockstep_applied_migrations")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static String comment(String schema) throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT obj_description('\"" + schema + "\".accounts'::regclass)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
