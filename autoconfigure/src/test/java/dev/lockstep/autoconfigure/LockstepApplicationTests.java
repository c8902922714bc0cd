package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Whole applications with a web server on a real PostgreSQL. */
@ExtendWith(OutputCaptureExtension.class)
class LockstepApplicationTests {

    @TempDir
    Path migrations;
    TestSchema schema;
    JdbcTemplate jdbc;

    @BeforeEach
    void setUp() throws IOException {
        schema = TestPostgres.get().newSchema();
        jdbc = new JdbcTemplate(schema.dataSource());
        write("1_customers.up.sql", "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);");
        write("2_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);");
        write("3_orders_customer_index.up.sql", "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);");
    }

    @AfterEach
    void tearDown() {
        schema.close();
    }

    private void write(String file, String sql) throws IOException {
        Files.writeString(migrations.resolve(file), sql);
    }

    private Map<String, Object> properties(String name) {
        return RunningApp.properties(schema, name, "filesystem:" + migrations);
    }

    @Test
    void twoApplicationsStartedTogetherBothEndReadyAndEachMigrationIsAppliedOnce() {
        try (RunningApp first = RunningApp.start(properties("first"));
                RunningApp second = RunningApp.start(properties("second"))) {
            first.context();
            second.context();

            assertThat(first.get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(second.get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(jdbc.queryForList("SELECT version FROM lockstep_applied_migrations ORDER BY version", Long.class))
                    .containsExactly(1L, 2L, 3L);
            assertThat(jdbc.queryForList("SELECT DISTINCT applied_by FROM lockstep_applied_migrations", String.class))
                    .as("one application applied everything").hasSize(1);
            double applies = count(first, "lockstep.migration.apply") + count(second, "lockstep.migration.apply");
            assertThat(applies).isEqualTo(3);
        }
    }

    @Test
    void withTheRunnerWhileAnotherSessionHoldsTheLockHealthShowsTheHolderAndApplicationRequestsGet503() throws Exception {
        Map<String, Object> properties = properties("waiting");
        properties.put("lockstep.run-at", "application-runner");
        // One connection, which the run holds while it waits: the lockstep endpoint must still answer.
        properties.put("spring.datasource.hikari.maximum-pool-size", "1");
        properties.put("management.health.db.enabled", "false");
        try (Connection holder = schema.connect()) {
            int holderPid = holdLock(holder);
            try (RunningApp app = RunningApp.start(properties)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    RunningApp.Response health = app.get("/actuator/health");
                    JsonNode lockstep = health.body().path("components").path("lockstep");
                    assertThat(lockstep.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
                    assertThat(lockstep.path("details").path("phase").asString()).isEqualTo("waiting-for-lock");
                    assertThat(lockstep.path("details").path("holder").path("pid").asInt()).isEqualTo(holderPid);
                    assertThat(lockstep.path("details").path("holder").path("applicationName").asString())
                            .isEqualTo("someone-else");
                    assertThat(lockstep.path("details").path("holder").path("observedSince").asString())
                            .as("when this replica first saw the lock held: PostgreSQL does not say when it was taken")
                            .isNotEmpty();
                    assertThat(lockstep.path("details").path("holder").has("since")).isFalse();
                });
                assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(503);
                assertThat(app.get("/actuator/health/liveness").status()).isEqualTo(200);
                RunningApp.Response refused = app.get("/customers");
                assertThat(refused.status()).as("an application request while waiting").isEqualTo(503);
                assertThat(refused.retryAfter()).isEqualTo("5");
                RunningApp.Response listed = app.get("/actuator/lockstep");
                assertThat(listed.status()).as("the endpoint while the run holds the only connection").isEqualTo(200);
                assertThat(listed.body().path("migrations").valueStream().map(m -> m.path("state").asString()))
                        .containsOnly("pending");
                assertThat(app.startup()).isNotDone();

                try (Statement s = holder.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock_all()");
                }

                app.context();
                assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(200);
                JsonNode lockstep = app.get("/actuator/health").body().path("components").path("lockstep");
                assertThat(lockstep.path("status").asString()).isEqualTo("UP");
                assertThat(lockstep.path("details").path("phase").asString()).isEqualTo("completed");
                assertThat(lockstep.path("details").path("applied").asInt()).isEqualTo(3);
                assertThat(app.get("/customers").status()).as("the same request once migrated").isEqualTo(200);
            }
        }
    }

    @Test
    void whileAMigrationRetriesForItsTableLockHealthShowsTheBlockerAndTheRetriesAreCounted() throws Exception {
        jdbc.execute("CREATE TABLE accounts (id int PRIMARY KEY)");
        // The report below holds a snapshot, which a CREATE INDEX CONCURRENTLY would wait out by design.
        Files.delete(migrations.resolve("3_orders_customer_index.up.sql"));
        write("4_accounts_note.up.sql", "ALTER TABLE accounts ADD COLUMN note text;");
        Map<String, Object> properties = properties("retrying");
        properties.put("lockstep.run-at", "application-runner");
        properties.put("lockstep.ddl.lock-timeout", "200ms");
        try (Connection blocker = schema.connect(); Statement s = blocker.createStatement()) {
            int blockerPid;
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                blockerPid = rs.getInt(1);
            }
            blocker.setAutoCommit(false);
            s.executeQuery("SELECT count(*) FROM accounts /* nightly report */").close();
            try (RunningApp app = RunningApp.start(properties)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode lockstep = app.get("/actuator/health").body().path("components").path("lockstep");
                    assertThat(lockstep.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
                    assertThat(lockstep.path("details").path("phase").asString()).isEqualTo("migrating");
                    assertThat(lockstep.path("details").path("current").asString()).endsWith("4_accounts_note.up.sql");
                    JsonNode blockedOn = lockstep.path("details").path("blockedOn");
                    assertThat(blockedOn.path("relation").asString()).isEqualTo("accounts");
                    assertThat(blockedOn.path("mode").asString()).isEqualTo("AccessExclusiveLock");
                    assertThat(blockedOn.path("retries").asInt()).isPositive();
                    assertThat(blockedOn.path("blockers").path(0).path("pid").asInt()).isEqualTo(blockerPid);
                    assertThat(blockedOn.path("blockers").path(0).path("query").asString()).contains("nightly report");
                });
                assertThat(count(app, "lockstep.ddl.retries")).isPositive();
                assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(503);

                blocker.commit();

                app.context();
                JsonNode lockstep = app.get("/actuator/health").body().path("components").path("lockstep");
                assertThat(lockstep.path("details").path("phase").asString()).isEqualTo("completed");
                assertThat(lockstep.path("details").has("blockedOn")).isFalse();
                assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aFailedMigrationWithFailOnErrorFalseLeavesHealthDownWithTheError(CapturedOutput output) throws IOException {
        write("4_broken.up.sql", "ALTER TABLE no_such_table ADD COLUMN x int;");
        Map<String, Object> properties = properties("tolerant");
        properties.put("lockstep.fail-on-error", "false");

        try (RunningApp app = RunningApp.start(properties)) {
            app.context();
            JsonNode lockstep = app.get("/actuator/health").body().path("components").path("lockstep");

            assertThat(lockstep.path("status").asString()).isEqualTo("DOWN");
            assertThat(lockstep.path("details").path("phase").asString()).isEqualTo("failed");
            assertThat(lockstep.path("details").path("error").asString()).contains("4_broken.up.sql")
                    .contains("no_such_table");
            assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(503);
        }
        // One ERROR block with the file, line and fix; the stack trace only at DEBUG.
        List<String> lines = output.getOut().lines().toList();
        int error = lines.indexOf(lines.stream().filter(line -> line.contains("[app-tolerant]")
                && line.contains("lockstep.fail-on-error=false, so the application starts anyway")).findFirst()
                .orElseThrow());
        assertThat(lines.get(error)).contains(" ERROR ").contains("4_broken.up.sql failed at line 1")
                .contains("[SQLState 42P01]");
        assertThat(lines.subList(error + 1, lines.size())).noneMatch(line -> line.startsWith("\tat dev.lockstep")
                || line.startsWith(MigrationFailedException.class.getName()));
    }

    @Test
    void theReadinessRecipeStartsWithLockstepDisabled() {
        Map<String, Object> properties = properties("disabled");
        properties.put("lockstep.enabled", "false");

        try (RunningApp app = RunningApp.start(properties)) {
            app.context();
            assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(200);
            JsonNode lockstep = app.get("/actuator/health").body().path("components").path("lockstep");
            assertThat(lockstep.path("details").path("phase").asString()).isEqualTo("disabled");
        }
    }

    @Test
    void aFailedMigrationFailsStartupByDefault() throws IOException {
        write("4_broken.up.sql", "ALTER TABLE no_such_table ADD COLUMN x int;");

        try (RunningApp app = RunningApp.start(properties("strict"))) {
            assertThat(app.startup()).failsWithin(Duration.ofSeconds(90)).withThrowableThat()
                    .withStackTraceContaining(MigrationFailedException.class.getName())
                    .withStackTraceContaining("4_broken.up.sql failed at line 1");
        }
    }

    @Test
    void theTimersHaveCountsAfterARunAndTheGaugesMatchTheTracker() {
        try (RunningApp app = RunningApp.start(properties("metered"))) {
            app.context();

            assertThat(count(app, "lockstep.lock.wait")).isEqualTo(1);
            assertThat(count(app, "lockstep.migration.apply")).isEqualTo(3);
            assertThat(count(app, "lockstep.run")).isEqualTo(1);
            long tracked = jdbc.queryForObject("SELECT count(*) FROM lockstep_applied_migrations", Long.class);
            assertThat(value(app, "lockstep.migrations.applied")).isEqualTo(tracked);
            assertThat(value(app, "lockstep.migrations.pending")).isZero();
            JsonNode tags = app.get("/actuator/metrics/lockstep.migration.apply").body().path("availableTags");
            assertThat(tags.toString()).contains("transactional").contains("outcome");
        }
    }

    @Test
    void theEndpointListsAppliedPendingAndMissingFileMigrations() throws IOException {
        try (RunningApp app = RunningApp.start(properties("listed"))) {
            app.context();
            write("4_later.up.sql", "CREATE TABLE later (id int);");
            jdbc.update("INSERT INTO lockstep_applied_migrations (version, name, checksum, state) "
                    + "VALUES (9, 'from_a_newer_release', 'abc', 'applied')");

            JsonNode migrations = app.get("/actuator/lockstep").body().path("migrations");

            assertThat(migrations.valueStream().map(m -> m.path("version").asLong() + ":" + m.path("state").asString()))
                    .containsExactly("1:applied", "2:applied", "3:applied", "4:out-of-order", "9:missing-file");
            JsonNode first = migrations.get(0);
            assertThat(first.path("checksum").asString()).hasSize(64);
            assertThat(first.path("appliedAt").asString()).isNotEmpty();
            assertThat(first.path("executionMs").isNumber()).isTrue();
        }
    }

    private int holdLock(Connection holder) throws Exception {
        try (Statement s = holder.createStatement()) {
            s.execute("SET application_name = 'someone-else'");
        }
        try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?), pg_backend_pid()")) {
            lock.setLong(1, schema.lockKey());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getInt(2);
            }
        }
    }

    private static double count(RunningApp app, String meter) {
        return statistic(app, meter, "COUNT");
    }

    private static double value(RunningApp app, String meter) {
        return statistic(app, meter, "VALUE");
    }

    private static double statistic(RunningApp app, String meter, String statistic) {
        RunningApp.Response response = app.get("/actuator/metrics/" + meter);
        assertThat(response.status()).as(meter).isEqualTo(200);
        List<JsonNode> measurements = response.body().path("measurements").valueStream().toList();
        return measurements.stream().filter(m -> m.path("statistic").asString().equals(statistic))
                .mapToDouble(m -> m.path("value").asDouble()).findFirst().orElseThrow();
    }
}
