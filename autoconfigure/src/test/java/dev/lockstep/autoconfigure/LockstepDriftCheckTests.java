package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/** {@code lockstep.drift.check=after-start}: health's {@code drift}, the gauge, the log, and readiness only when asked. */
@ExtendWith(OutputCaptureExtension.class)
class LockstepDriftCheckTests {

    @TempDir
    Path migrations;
    TestSchema schema;

    @BeforeEach
    void setUp() throws Exception {
        schema = TestPostgres.get().newSchema();
        Files.writeString(migrations.resolve("1_customers.up.sql"), "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);");
        Files.writeString(migrations.resolve("2_orders.up.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);");
    }

    @AfterEach
    void tearDown() {
        schema.close();
    }

    private Map<String, Object> properties(String name) {
        Map<String, Object> properties = RunningApp.properties(schema, name, "filesystem:" + migrations);
        properties.put("lockstep.drift.check", "after-start");
        return properties;
    }

    private static JsonNode driftOnceChecked(RunningApp app) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(
                () -> app.get("/actuator/health").body().path("components").path("lockstep").path("details")
                        .path("drift"),
                drift -> !drift.isMissingNode() && !drift.path("state").asString().equals("checking"));
    }

    @Test
    void driftIsReportedInHealthTheGaugeAndTheLogAndNeverFailsReadinessUnlessAsked(CapturedOutput output) {
        try (RunningApp app = RunningApp.start(properties("clean"))) {
            JsonNode drift = driftOnceChecked(app);
            assertThat(drift.path("state").asString()).as(drift.toString()).isEqualTo("none");
            assertThat(drift.path("comparedWith").asString()).isEqualTo("snapshot");
            assertThat(drift.path("differences").asInt()).isZero();
            assertThat(app.get("/actuator/metrics/lockstep.drift.differences?tag=target:main").body()
                    .path("measurements").get(0).path("value").asDouble()).isZero();
        }

        new JdbcTemplate(schema.dataSource()).execute("CREATE INDEX customers_name_hotfix ON customers (name)");
        try (RunningApp app = RunningApp.start(properties("drifted"))) {
            JsonNode drift = driftOnceChecked(app);
            assertThat(drift.path("state").asString()).as(drift.toString()).isEqualTo("found");
            assertThat(drift.path("differences").asInt()).isEqualTo(1);
            assertThat(drift.path("objects").get(0).asString()).isEqualTo("+ index customers_name_hotfix");
            assertThat(app.get("/actuator/health").body().path("components").path("lockstep").path("status")
                    .asString()).as("drift does not change the status").isEqualTo("UP");
            assertThat(app.get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(app.get("/actuator/metrics/lockstep.drift.differences").body().path("measurements").get(0)
                    .path("value").asDouble()).isEqualTo(1.0);
        }
        assertThat(output.getOut()).contains("WARN").contains("Lockstep: Drift in " + schema.name()
                + ".lockstep_applied_migrations: 1 object(s) differ from the snapshot stored by clean");

        Map<String, Object> strict = properties("strict");
        strict.put("lockstep.drift.fail-readiness", "true");
        try (RunningApp app = RunningApp.start(strict)) {
            assertThat(driftOnceChecked(app).path("state").asString()).isEqualTo("found");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/actuator/health/readiness").status() == 503);
            assertThat(app.get("/actuator/health/liveness").status()).isEqualTo(200);
        }
    }

    @Test
    void offByDefaultNoCheckRunsAndHealthHasNoDrift() {
        try (RunningApp app = RunningApp.start(RunningApp.properties(schema, "default", "filesystem:" + migrations))) {
            app.context();
            assertThat(app.get("/actuator/health").body().path("components").path("lockstep").path("details")
                    .path("drift").isMissingNode()).isTrue();
            assertThat(app.get("/actuator/metrics/lockstep.drift.differences").status()).isEqualTo(404);
        }
    }
}
