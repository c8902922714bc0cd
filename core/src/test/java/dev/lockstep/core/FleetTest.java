package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema-per-tenant fleets on a real server: many tenants, several replicas at once, canaries,
 * failures, a SIGKILL mid-fleet. Each migration inserts a row into its tenant's {@code effects}
 * table, so "applied exactly once" is counted in the data, not only in the tracker.
 */
class FleetTest {

    private static final int REPLICAS = 3;

    @TempDir
    Path folder;

    private final String prefix = "fleet_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    private TestSchema home;
    private MigrationDir files;

    @BeforeEach
    void setUp() {
        home = TestPostgres.get().newSchema();
        files = new MigrationDir(folder.resolve("tenant"));
    }

    @AfterEach
    void dropTenants() throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + prefix + "%'")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            for (String schema : schemas) {
                s.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
            }
        }
        home.close();
    }

    @Test
    void twoHundredTenantsThreeReplicasStartingTogetherApplyEachMigrationOnceAndShareTheFleet() throws Exception {
        List<String> tenants = createTenants(200);
        writeMigrations(20, "");
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();

        List<FleetReport> reports = replicas(i -> LockstepFleet.configure(configuration(holding, mostAtOnce, i))
                .tenants(tenants).load()::migrate);

        assertEveryTenantHasEachEffectOnce(tenants, 20);
        assertThat(reports.stream().mapToInt(FleetReport::applied).sum())
                .as("migrations applied across the three replicas").isEqualTo(200 * 20);
        assertThat(reports).allSatisfy(report -> assertThat(report.migrated()).hasSize(200));
        assertThat(mostAtOnce.get()).as("migrations applied at the same time, each under its tenant's lock").isGreaterThan(1);
    }

    @Test
    void oneLockKeySharedByEveryTenantMakesTheFleetQueueBehindOneLock() throws Exception {
        List<String> tenants = createTenants(24);
        writeMigrations(3, "");
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();

        replicas(i -> LockstepFleet.configure(configuration(holding, mostAtOnce, i).lockKey(home.lockKey()))
                .tenants(tenants).load()::migrate);

        assertEveryTenantHasEachEffectOnce(tenants, 3);
        assertThat(mostAtOnce.get()).as("migrations applied at the same time under the one shared lock").isEqualTo(1);
    }

    @Test
    void withoutAPerTenantLockReplicasBreakExactlyOnceOrFail() throws Exception {
        List<String> tenants = createTenants(24);
        writeMigrations(5, "SELECT pg_sleep(0.005);\n");
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();

        List<FleetReport> reports = replicas(i -> TestEngines.fleetWithLocks(
                LockstepFleet.configure(configuration(holding, mostAtOnce, i)).tenants(tenants)
                        .onFailure(FleetFailurePolicy.CONTINUE), NoLock.FACTORY)::migrate);

        long failedTenantRuns = reports.stream().mapToLong(r -> r.failed().size()).sum();
        long duplicated = 0;
        for (String tenant : tenants) {
            duplicated += count("SELECT count(*) - count(DISTINCT migration) FROM \"" + tenant + "\".effects");
        }
        assertThat(failedTenantRuns + duplicated)
                .as("failed tenant runs plus duplicated effects without the lock").isPositive();
    }

    @Test
    void aFailingCanaryStopsTheFleetBeforeAnyOtherTenantStarts() throws Exception {
        List<String> tenants = createTenants(10);
        writeMigrations(3, "");
        sql("CREATE TABLE \"" + tenants.get(0) + "\".t_002 (id int)");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(4))
                .locations(files.location())).tenants(tenants).canaries(1).load();

        assertThatThrownBy(fleet::migrate).isInstanceOf(FleetFailedException.class)
                .hasMessageContaining("canary tenant " + tenants.get(0) + " failed")
                .hasMessageContaining("none of the other 9 tenant(s) was started")
                .hasMessageContaining("0002_step.up.sql");

        assertThat(fleet.state(tenants.get(0))).isEqualTo(TenantState.FAILED);
        for (String tenant : tenants.subList(1, 10)) {
            assertThat(fleet.state(tenant)).isEqualTo(TenantState.PENDING);
            assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + tenant + "'")).isZero();
        }
        assertThat(fleet.counts()).containsEntry(TenantState.FAILED, 1).containsEntry(TenantState.PENDING, 9);
    }

    @Test
    void continueMigratesEveryOtherTenantAndListsTheFailedOneWithItsError() throws Exception {
        List<String> tenants = createTenants(10);
        writeMigrations(3, "");
        String broken = tenants.get(4);
        sql("CREATE TABLE \"" + broken + "\".t_003 (id int)");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(4))
                .locations(files.location())).tenants(tenants).canaries(1)
                .onFailure(FleetFailurePolicy.CONTINUE).load();

        FleetReport report = fleet.migrate();

        assertThat(report.failed()).extracting(TenantStatus::tenant).containsExactly(broken);
        assertThat(report.failed().get(0).error().orElseThrow()).contains("0003_step.up.sql")
                .contains("already exists")
                // The canary migrated first: the file applied there, so the tenant's schema is what differs.
                .contains("But in fleet " + fleet.name() + " the same file applied in")
                .contains("the file is not what differs, tenant " + broken + "'s schema is");
        assertThat(report.migrated()).hasSize(9);
        List<String> others = new ArrayList<>(tenants);
        others.remove(broken);
        assertEveryTenantHasEachEffectOnce(others, 3);
        assertThat(fleet.failed()).extracting(TenantStatus::tenant).containsExactly(broken);
        assertThat(report.summary()).contains("10 tenant(s): 9 migrated (27 migration(s) applied), 1 failed (2 "
                + "migration(s) applied before they failed)");
        assertThat(report.failed().get(0).applied()).as("its first two committed before the third failed").isEqualTo(2);
        assertThat(report.applied()).isEqualTo(29);
    }

    @Test
    void stopOnFirstFailureStartsNoFurtherTenant() throws Exception {
        List<String> tenants = createTenants(12);
        writeMigrations(2, "");
        sql("CREATE TABLE \"" + tenants.get(1) + "\".t_001 (id int)");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(2))
                .locations(files.location())).tenants(tenants).parallelism(1).load();

        assertThatThrownBy(fleet::migrate).isInstanceOf(FleetFailedException.class)
                .hasMessageContaining("stopped on the first failure")
                .hasMessageContaining("fleet.on-failure=continue")
                .satisfies(e -> assertThat(((FleetFailedException) e).report().notStarted()).hasSize(10));
    }

    @Test
    void aFleetKilledMidwayIsFinishedByTheNextStartEachMigrationOnce() throws Exception {
        List<String> tenants = createTenants(60);
        writeMigrations(5, "SELECT pg_sleep(0.02);\n");
        TestPostgres server = TestPostgres.get();
        String query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + prefix + "%' ORDER BY 1";
        Path log = folder.resolve("killed.log");
        Process victim = FleetProcess.start(home.jdbcUrl(), server.user(), server.password(), files.location(), query,
                2, log);
        try {
            assertThat(Poll.until(Duration.ofSeconds(60), () -> migratedTenants(tenants, 5) >= 6))
                    .as("some tenants migrated before the kill; log: %s", log).isTrue();
        } finally {
            victim.destroyForcibly();
            victim.waitFor();
        }
        long migratedBefore = migratedTenants(tenants, 5);
        assertThat(migratedBefore).as("tenants migrated when the fleet was killed").isLessThan(60);

        FleetReport report = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(4))
                .locations(files.location())).tenantsQuery(query).load().migrate();

        assertThat(report.migrated()).hasSize(60);
        assertEveryTenantHasEachEffectOnce(tenants, 5);
        assertThat(report.applied()).as("migrations the restart applied").isLessThan(60 * 5);
    }

    @Test
    void placeholdersFillEachTenantsFileAndTheChecksumIsOfTheFileAsWritten() throws Exception {
        List<String> tenants = createTenants(3);
        files.add("0001_accounts.up.sql", "CREATE TABLE ${schema}.accounts (id int);\n"
                + "COMMENT ON TABLE accounts IS 'tenant ${tenant} of ${app}';\n");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(4))
                .locations(files.location()).placeholders(Map.of("app", "shop"))).tenants(tenants).load();

        fleet.migrate();

        for (String tenant : tenants) {
            assertThat(single("SELECT obj_description('\"" + tenant + "\".accounts'::regclass)"))
                    .isEqualTo("tenant " + tenant + " of shop");
        }
        assertThat(count("SELECT count(DISTINCT checksum) FROM (" + String.join(" UNION ALL ", tenants.stream()
                .map(t -> "SELECT checksum FROM \"" + t + "\".lockstep_applied_migrations").toList()) + ") c"))
                .as("one checksum across tenants").isEqualTo(1);
    }

    @Test
    void aPlaceholderWithoutAValueStopsTheFleetBeforeAnyTenantNamingFileAndLine() throws Exception {
        List<String> tenants = createTenants(2);
        files.add("0001_accounts.up.sql", "CREATE TABLE accounts (id int);\n\nGRANT SELECT ON accounts TO ${reader};\n");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(2))
                .locations(files.location())).tenants(tenants).load();

        assertThatThrownBy(fleet::migrate).isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("0001_accounts.up.sql, line 3: ${reader} has no value")
                .hasMessageContaining("lockstep.placeholders.reader");
        assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname LIKE '" + prefix + "%'")).isZero();
    }

    /** The catalog end to end: a fleet from text settings alone (as the CLI and Maven read them) is the same fleet. */
    @Test
    void aFleetReadFromTextSettingsAloneMigratesItsTenantsWithTheirPlaceholders() throws Exception {
        List<String> tenants = createTenants(3);
        writeMigrations(2, "");
        files.add("0001_step.up.sql", "CREATE TABLE effects (migration int);\nCOMMENT ON TABLE effects IS "
                + "'${app} ${tenant}';\nCREATE TABLE t_001 (id int);\nINSERT INTO effects (migration) VALUES (1);\n");
        TestPostgres server = TestPostgres.get();
        LockstepConfiguration fromText = Lockstep.configure().settings(java.util.Map.of(
                "lockstep.url", home.jdbcUrl(), "user", server.user(), "password", server.password(),
                "locations", files.location(), "tenants.list", String.join(",", tenants),
                "placeholders.app", "shop", "fleet.parallelism", "2", "fleet.on-failure", "continue"));

        assertThat(fromText.hasTenants()).isTrue();
        FleetReport report = LockstepFleet.configure(fromText).load().migrate();

        assertThat(report.migrated()).hasSize(3);
        assertThat(single("SELECT obj_description('\"" + tenants.get(1) + "\".effects'::regclass)"))
                .isEqualTo("shop " + tenants.get(1));
        assertThatThrownBy(() -> Lockstep.configure().settings(java.util.Map.of("fleet.parallelism", "0")).load())
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.fleet.parallelism"));
        assertThatThrownBy(() -> LockstepFleet.configure(Lockstep.configure().dataSource(home.dataSource())
                .locations(files.location()).settings(java.util.Map.of("tenants", "a", "tenant-url-template",
                        "jdbc:postgresql://db/app"))).load())
                .hasMessageContaining("lockstep.tenants.url-template").hasMessageContaining("has no ${tenant}");
    }

    /**
     * A hook before a tenant's migration works in that tenant's schema, as the migration does: its
     * connection has the tenant's search_path while the hook holds it, and the pool gets it back as
     * it lent it. Without that, its unqualified INSERT landed in the pool's own schema.
     */
    @Test
    void aHookBeforeATenantsMigrationWritesInThatTenantsSchemaAndHandsThePoolBackItsConnection() throws Exception {
        List<String> tenants = createTenants(2);
        writeMigrations(2, "");
        try (Connection c = home.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE effects (migration int, at timestamptz)"); // the pool's own: must stay empty
        }
        MigrationHook backfill = new MigrationHook() {
            @Override
            public boolean appliesTo(Migration migration) {
                return migration.version().equals(MigrationVersion.parse("2"));
            }

            @Override
            public void beforeMigration(Migration migration, DataSource dataSource) throws Exception {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO effects (migration) VALUES (-1)");
                }
            }
        };
        var pool = home.pool(2);
        LockstepFleet.configure(Lockstep.configure().dataSource(pool).locations(files.location()).hook(backfill))
                .tenants(tenants).parallelism(1).load().migrate();

        for (String tenant : tenants) {
            assertThat(count("SELECT count(*) FROM \"" + tenant + "\".effects WHERE migration = -1")).isEqualTo(1);
        }
        assertThat(count("SELECT count(*) FROM " + home.name() + ".effects")).as("the pool's own schema").isZero();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            assertThat(rs.getString(1)).as("the pool's connection as it lent it").isEqualTo(home.name());
        }
    }

    @Test
    void aNewTenantIsMigratedUnderItsLockAndAwaitable() throws Exception {
        writeMigrations(4, "");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(2))
                .locations(files.location())).tenants(List.of()).load();
        fleet.migrate();
        String tenant = prefix + "new";

        TenantStatus status = fleet.createTenant(tenant);

        assertThat(status.state()).isEqualTo(TenantState.MIGRATED);
        assertThat(status.applied()).isEqualTo(4);
        assertThat(fleet.awaitMigrated(tenant, Duration.ofSeconds(1))).isEqualTo(TenantState.MIGRATED);
        assertThat(fleet.awaitMigrated("no_such_tenant", Duration.ofMillis(1))).isEqualTo(TenantState.UNKNOWN);
        assertEveryTenantHasEachEffectOnce(List.of(tenant), 4);
    }

    @Test
    void canariesFirstThenTheRestInTheBackgroundWhileTheCallerGoesOn() throws Exception {
        List<String> tenants = createTenants(8);
        writeMigrations(2, "");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(home.pool(4))
                .locations(files.location())).tenants(tenants).canaries(List.of(tenants.get(3))).load();

        var rest = fleet.migrateCanariesThenRestInBackground();

        assertThat(fleet.state(tenants.get(3))).as("the canary, once the call returns").isEqualTo(TenantState.MIGRATED);
        assertThat(fleet.awaitMigrated(tenants.get(7), Duration.ofSeconds(60))).isEqualTo(TenantState.MIGRATED);
        assertThat(rest.get().migrated()).hasSize(8);
    }

    // --- helpers ---

    /**
     * The replica's configuration; its listener counts the migrations being applied right now, which
     * happens only while their tenant's lock is held.
     */
    private LockstepConfiguration configuration(AtomicInteger applying, AtomicInteger mostAtOnce, int replica) {
        HikariDataSource pool = home.pool(8);
        return Lockstep.configure().dataSource(pool).locations(files.location()).runnerName("replica-" + replica)
                .listener(new LockstepListener() {
                    @Override
                    public void migrationStarted(Migration migration, int index, int total) {
                        mostAtOnce.accumulateAndGet(applying.incrementAndGet(), Math::max);
                    }

                    @Override
                    public void migrationApplied(Migration migration, Duration took) {
                        applying.decrementAndGet();
                    }

                    @Override
                    public void migrationFailed(Migration migration, Duration took, LockstepException error) {
                        applying.decrementAndGet();
                    }
                });
    }

    /** Starts the replicas at once and returns their reports. */
    private List<FleetReport> replicas(Function<Integer, java.util.concurrent.Callable<FleetReport>> replica)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<FleetReport>> runs = new ArrayList<>();
            for (int i = 0; i < REPLICAS; i++) {
                java.util.concurrent.Callable<FleetReport> run = replica.apply(i);
                runs.add(pool.submit(() -> {
                    start.await();
                    return run.call();
                }));
            }
            start.countDown();
            List<FleetReport> reports = new ArrayList<>();
            for (Future<FleetReport> run : runs) {
                reports.add(run.get());
            }
            return reports;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> createTenants(int count) throws SQLException {
        List<String> tenants = IntStream.rangeClosed(1, count).mapToObj(i -> prefix + String.format("%03d", i)).toList();
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (String tenant : tenants) {
                s.addBatch("CREATE SCHEMA \"" + tenant + "\"");
            }
            s.executeBatch();
        }
        return tenants;
    }

    /** Migration 1 creates the effects table; every migration i creates t_i and records one effect row. */
    private void writeMigrations(int count, String extra) {
        for (int i = 1; i <= count; i++) {
            String version = String.format("%04d", i);
            files.add(version + "_step.up.sql", (i == 1 ? "CREATE TABLE effects (migration int, at timestamptz "
                    + "DEFAULT clock_timestamp());\n" : "") + extra + "CREATE TABLE t_" + String.format("%03d", i)
                    + " (id int);\nINSERT INTO effects (migration) VALUES (" + i + ");\n");
        }
    }

    private void assertEveryTenantHasEachEffectOnce(List<String> tenants, int migrations) throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (String tenant : tenants) {
                try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT migration), (SELECT count(*) FROM \""
                        + tenant + "\".lockstep_applied_migrations WHERE state = 'applied') FROM \"" + tenant
                        + "\".effects")) {
                    rs.next();
                    assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                            .as("effects, distinct effects and applied rows in %s", tenant)
                            .containsExactly((long) migrations, (long) migrations, (long) migrations);
                }
            }
        }
    }

    private long migratedTenants(List<String> tenants, int migrations) throws SQLException {
        long migrated = 0;
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            for (String tenant : tenants) {
                try (ResultSet rs = s.executeQuery("SELECT to_regclass('\"" + tenant + "\".lockstep_applied_migrations')"
                        + " IS NOT NULL")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        continue;
                    }
                }
                if (count("SELECT count(*) FROM \"" + tenant + "\".lockstep_applied_migrations WHERE state = 'applied'")
                        == migrations) {
                    migrated++;
                }
            }
        }
        return migrated;
    }

    private long count(String sql) throws SQLException {
        return Long.parseLong(single(sql));
    }

    private String single(String sql) throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
