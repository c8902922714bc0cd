package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.testapp.TestApplication;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test application started on its own thread, so a test can talk to its web server while
 * {@code SpringApplication.run} is still inside the Lockstep runner (waiting or migrating).
 */
final class RunningApp implements AutoCloseable {

    static {
        // Spring Boot's logging system is one per JVM and not made for several applications
        // initialising it at the same moment; Logback's own configuration (logback-test.xml) serves.
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<ConfigurableApplicationContext> context = new CompletableFuture<>();

    private RunningApp(Map<String, Object> properties) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(TestApplication.class)
                .properties(properties)
                .listeners((ApplicationListener<WebServerInitializedEvent>) e -> port.complete(e.getWebServer().getPort()));
        Thread thread = new Thread(() -> {
            try {
                context.complete(builder.run());
            } catch (Throwable e) {
                port.completeExceptionally(e);
                context.completeExceptionally(e);
            }
        }, "app-" + properties.get("spring.application.name"));
        thread.start();
    }

    /** Properties for an app on the test schema, migrating the given location. */
    static Map<String, Object> properties(TestSchema schema, String name, String location) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.application.name", name);
        p.put("spring.datasource.url", schema.jdbcUrl());
        p.put("spring.datasource.username", dev.lockstep.test.TestPostgres.get().user());
        p.put("spring.datasource.password", dev.lockstep.test.TestPostgres.get().password());
        p.put("server.port", "0");
        p.put("management.endpoints.web.exposure.include", "health,metrics,lockstep");
        p.put("management.endpoint.health.show-details", "always");
        p.put("management.endpoint.health.probes.enabled", "true");
        p.put("management.endpoint.health.group.readiness.include", "readinessState,lockstep");
        p.put("lockstep.locations", location);
        p.put("lockstep.lock.key", String.valueOf(schema.lockKey()));
        return p;
    }

    static RunningApp start(Map<String, Object> properties) {
        return new RunningApp(properties);
    }

    /** Waits until the web server listens (it starts before the runners) and returns its port. */
    int port() {
        return get(port);
    }

    /** Waits until {@code SpringApplication.run} returns; rethrows its failure. */
    ConfigurableApplicationContext context() {
        return get(context);
    }

    CompletableFuture<ConfigurableApplicationContext> startup() {
        return context;
    }

    /** GETs a path; returns the status and the parsed JSON body. */
    Response get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            boolean json = response.headers().firstValue("Content-Type").orElse("").contains("json");
            return new Response(response.statusCode(), json ? JSON.readTree(response.body()) : null,
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Response(int status, JsonNode body, String retryAfter) {
    }

    private static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(90, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("The application failed to start: " + e.getCause(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("The application did not get there within 90 s", e);
        }
    }

    @Override
    public void close() {
        context.thenAccept(ConfigurableApplicationContext::close);
    }
}
