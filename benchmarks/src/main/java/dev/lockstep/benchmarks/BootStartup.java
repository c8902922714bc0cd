package dev.lockstep.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scenario 4: a Spring Boot application started to ready with one migration tool's starter
 * active (the others switched off by their own {@code enabled} properties), against a database
 * the tool has already migrated: what every restart pays.
 */
final class BootStartup {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private BootStartup() {
    }

    /** Starts the application and returns the milliseconds until {@code run} returned. */
    @SuppressWarnings("try") // the application only has to start and stop
    static double startMillis(String tool, String url, String user, String password, MigrationSet set) {
        List<String> properties = new ArrayList<>(List.of(
                "spring.datasource.url=" + url, "spring.datasource.username=" + user,
                "spring.datasource.password=" + password, "spring.main.banner-mode=off", "logging.level.root=warn",
                "lockstep.enabled=" + tool.equals("lockstep"),
                "spring.flyway.enabled=" + tool.equals("flyway"),
                "spring.liquibase.enabled=" + tool.equals("liquibase")));
        switch (tool) {
            case "lockstep" -> properties.add("lockstep.locations=filesystem:" + set.lockstepDir());
            case "flyway" -> properties.add("spring.flyway.locations=filesystem:" + set.flywayDir());
            case "liquibase" -> properties.add("spring.liquibase.change-log=file:" + set.liquibaseChangelog());
            default -> throw new IllegalArgumentException(tool);
        }
        long started = System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE).properties(properties.toArray(String[]::new)).run()) {
            return (System.nanoTime() - started) / 1e6;
        }
    }
}
