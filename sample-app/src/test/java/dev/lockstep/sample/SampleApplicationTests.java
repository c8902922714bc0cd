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

/** The sample on the test harness's PostgreSQL: the REST API works on the schema Lockstep built. */
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
    void customersAndOrdersWorkOnTheMigratedSchema() throws Exception {
        HttpResponse<String> created = Http.postJson(url("/customers"), "{\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = created.body().replaceAll(".*\"id\":(\\d+).*", "$1");

        assertThat(Http.postJson(url("/customers/" + id + "/orders"), "{\"amountCents\":1999}").statusCode()).isEqualTo(201);
        assertThat(Http.postJson(url("/customers/" + id + "/orders"), "{\"amountCents\":1}").statusCode()).isEqualTo(201);

        assertThat(Http.get(url("/customers/" + id + "/orders")).body()).contains("\"amountCents\":1999");
        assertThat(Http.get(url("/customers/" + id + "/lifetime-value")).body()).contains("\"lifetimeValueCents\":2000");
        assertThat(Http.get(url("/customers")).body()).contains("Ada Lovelace").contains("grace@example.com");
        assertThat(Http.get(url("/customers/999999/orders")).statusCode()).isEqualTo(404);
    }

    @Test
    void healthIsUpAndTheLockstepMetersCanBeScraped() throws Exception {
        HttpResponse<String> health = Http.get(url("/actuator/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"lockstep\":{").contains("\"phase\":\"completed\"").contains("\"applied\":6");
        assertThat(Http.status(url("/actuator/health/readiness"))).isEqualTo(200);

        String scrape = Http.get(url("/actuator/prometheus")).body();
        assertThat(scrape).contains("lockstep_migration_apply_seconds_count{outcome=\"success\",transactional=\"false\"} 1")
                .contains("lockstep_migration_apply_seconds_count{outcome=\"success\",transactional=\"true\"} 5")
                .contains("lockstep_lock_wait_seconds_count{outcome=\"acquired\"} 1")
                .contains("lockstep_run_seconds_count{outcome=\"success\"} 1")
                .contains("lockstep_migrations_applied 6.0")
                .contains("lockstep_migrations_pending 0.0");
        assertThat(Http.get(url("/actuator/lockstep")).body()).contains("\"state\":\"applied\"")
                .doesNotContain("\"state\":\"pending\"");
    }
}
