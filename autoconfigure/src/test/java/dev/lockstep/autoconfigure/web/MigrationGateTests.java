package dev.lockstep.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** Until the runner has migrated, application requests get 503 with Retry-After; Actuator passes. */
class MigrationGateTests {

    private final MigrationGate gate = new MigrationGate("/actuator");

    @Test
    void servletRequestsWaitUntilTheGateOpensAndActuatorPassesThroughout() throws Exception {
        assertThat(servlet("/orders").getStatus()).isEqualTo(503);
        assertThat(servlet("/orders").getHeader("Retry-After")).isEqualTo("5");
        assertThat(servlet("/orders").getContentAsString()).contains("migrated");
        assertThat(servlet("/actuator/health").getStatus()).isEqualTo(200);
        assertThat(servlet("/actuator").getStatus()).isEqualTo(200);
        assertThat(servlet("/actuatorish").getStatus()).isEqualTo(503);

        gate.open();

        assertThat(servlet("/orders").getStatus()).isEqualTo(200);
    }

    @Test
    void reactiveRequestsWaitUntilTheGateOpensAndActuatorPassesThroughout() {
        MockServerWebExchange held = reactive("/orders");
        assertThat(held.getResponse().getStatusCode().value()).isEqualTo(503);
        assertThat(held.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(reactive("/actuator/health/readiness").getResponse().getStatusCode()).isNull();

        gate.open();

        assertThat(reactive("/orders").getResponse().getStatusCode()).isNull();
    }

    private MockHttpServletResponse servlet(String path) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        new MigrationGateServletFilter(gate).doFilter(request, response, new MockFilterChain());
        return response;
    }

    /** A status left unset means the request went on down the chain. */
    private MockServerWebExchange reactive(String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        new MigrationGateWebFilter(gate).filter(exchange, e -> Mono.empty()).block();
        return exchange;
    }
}
