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
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The jobs of batched migrations in a Spring Boot service: the start records the job and does not
 * run it; once the application is ready the worker runs its batches, and health shows the job's
 * progress; the meters count rows and time batches; {@code lockstep.jobs.run=off} leaves it pending.
 */
class LockstepJobsWorkerTests {

    @TempDir
    Path migrations;
    TestSchema schema;

    @BeforeEach
    void setUp() throws Exception {
        schema = TestPostgres.get().newSchema();
        Files.writeString(migrations.resolve("1_customers.up.sql"), "CREATE TABLE customers (id bigint PRIMARY KEY, "
                + "email text NOT NULL, email_lower text);\nINSERT INTO customers (id, email) SELECT i, 'User' || i "
                + "|| '@Example.com' FROM generate_series(1, 3000) i;");
        Files.writeString(migrations.resolve("2_backfill_email_lower.up.sql"), "-- lockstep:batched table=customers "
                + "key=id\nUPDATE customers SET email_lower = lower(email) WHERE id >= ${batch.from} AND id < ${batch.to}");
    }

    @AfterEach
    void tearDown() {
        schema.close();
    }

    private long backfilled() {
        return new JdbcTemplate(schema.dataSource()).queryForObject(
                "SELECT count(*) FROM customers WHERE email_lower IS NOT NULL", Long.class);
    }

    private static JsonNode jobInHealth(RunningApp app) {
        return app.get("/actuator/health").body().path("components").path("lockstep").path("details").path("jobs")
                .path("jobs").path(0);
    }

    @Test
    void afterTheStartTheWorkerRunsTheJobAndHealthAndMetersShowIt() {
        try (RunningApp app = RunningApp.start(RunningApp.properties(schema, "worker", "filesystem:" + migrations))) {
            JsonNode job = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> jobInHealth(app), j -> j.path("state").asString().equals("finished"));

            assertThat(job.path("version").asString()).isEqualTo("2");
            assertThat(job.path("name").asString()).isEqualTo("backfill_email_lower");
            assertThat(job.path("table").asString()).isEqualTo("customers");
            assertThat(job.path("rowsDone").asLong()).isEqualTo(3000);
            assertThat(job.path("batches").asLong()).isPositive();
            assertThat(backfilled()).isEqualTo(3000);
            assertThat(app.get("/actuator/metrics/lockstep.jobs.rows?tag=target:main&tag=job:2").body()
                    .path("measurements").get(0).path("value").asDouble()).isEqualTo(3000.0);
            assertThat(app.get("/actuator/metrics/lockstep.jobs.batch?tag=job:2").body().path("measurements").get(0)
                    .path("value").asDouble()).isEqualTo(job.path("batches").asDouble());
            assertThat(app.get("/actuator/metrics/lockstep.jobs?tag=state:finished").body().path("measurements")
                    .get(0).path("value").asDouble()).isEqualTo(1.0);
            assertThat(app.get("/actuator/health").body().path("components").path("lockstep").path("status")
                    .asString()).isEqualTo("UP");
        }
    }

    @Test
    void offTheJobWaitsForTheCommandLine() {
        Map<String, Object> properties = RunningApp.properties(schema, "off", "filesystem:" + migrations);
        properties.put("lockstep.jobs.run", "off");
        try (RunningApp app = RunningApp.start(properties)) {
            app.context();
            assertThat(app.get("/actuator/health").body().path("components").path("lockstep").path("details")
                    .path("jobs").isMissingNode()).isTrue();
        }
        assertThat(backfilled()).isZero();
        assertThat(new JdbcTemplate(schema.dataSource()).queryForObject("SELECT state FROM lockstep_applied_migrations_jobs",
                String.class)).isEqualTo("pending");
    }
}
