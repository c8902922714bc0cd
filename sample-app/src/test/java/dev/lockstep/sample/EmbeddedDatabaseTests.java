package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Without spring.datasource.url the sample brings its own PostgreSQL, and keeps it across restarts. */
class EmbeddedDatabaseTests {

    @TempDir
    Path dataDirectory;

    @Test
    void theSecondStartFindsNothingToApply() {
        assertThat(startAndCountApplied()).isEqualTo(8);
        assertThat(startAndCountApplied()).isZero();
    }

    private long startAndCountApplied() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
                .properties("server.port=0", "sample.embedded-postgres.data-directory=" + dataDirectory)
                .run()) {
            return context.getBean(MeterRegistry.class).get("lockstep.migration.apply").tag("outcome", "success")
                    .timers().stream().mapToLong(Timer::count).sum();
        }
    }
}
