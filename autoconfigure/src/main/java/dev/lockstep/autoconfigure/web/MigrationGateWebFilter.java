package dev.lockstep.autoconfigure.web;

import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** The {@link MigrationGate} for reactive applications: 503 with {@code Retry-After} until it opens. */
public class MigrationGateWebFilter implements WebFilter, Ordered {

    private final MigrationGate gate;

    public MigrationGateWebFilter(MigrationGate gate) {
        this.gate = gate;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (gate.isOpen() || !gate.holds(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().set("Retry-After", MigrationGate.RETRY_AFTER_SECONDS);
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
        DataBuffer body = response.bufferFactory().wrap(MigrationGate.MESSAGE.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }

    /** First: nothing else of the application should see a request the gate holds back. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
