package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample migrating an empty schema of the test harness's PostgreSQL: what a start reports in
 * health, meters and the endpoint. Tests of the application's own behaviour run on clones of a
 * migrated template instead (see {@link ShopApiTests}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

    static final TestSchema SCHEMA = TestPostgres.get().newSchema();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", SCHEMA::jdbcUrl);
        registry.add("spring.datasource.username", () -> TestPostgres.get().user());
        registry.add("spring.datasource.password", () -> TestPostgres.get().password());
    }

    @AfterAll
    static void dropSchema() {
        SCHEMA.close();
    }

    @LocalServerPort
    int port;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void healthIsUpAndTheLockstepMetersCanBeScraped() throws Exception {
        HttpResponse<String> health = Http.get(url("/actuator/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"lockstep\":{").contains("\"phase\":\"completed\"").contains("\"applied\":8");
        assertThat(Http.status(url("/actuator/health/readiness"))).isEqualTo(200);

        String scrape = Http.get(url("/actuator/prometheus")).body();
        assertThat(scrape).contains("lockstep_migration_apply_seconds_count{outcome=\"success\",transactional=\"false\"} 1")
                .contains("lockstep_migration_apply_seconds_count{outcome=\"success\",transactional=\"true\"} 7")
                .contains("lockstep_lock_wait_seconds_count{outcome=\"acquired\"} 1")
                .contains("lockstep_run_seconds_count{outcome=\"success\"} 1")
                .contains("lockstep_migrations_applied 8.0")
                .contains("lockstep_migrations_pending 0.0");
        assertThat(Http.get(url("/actuator/lockstep")).body()).contains("\"state\":\"applied\"")
                .doesNotContain("\"state\":\"pending\"");
    }
}
