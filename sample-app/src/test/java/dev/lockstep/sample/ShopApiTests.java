package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.LockstepDatabase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The REST API on a database of its own, cloned from a template migrated once: the way to test
 * an application that uses Lockstep (the application's own Lockstep run finds nothing to apply).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@LockstepDatabase
class ShopApiTests {

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
}
