package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** What a user sees for a lockstep.* choice spelt wrong: the accepted values as README writes them. */
@ExtendWith(OutputCaptureExtension.class)
class LockstepBindFailureAnalyzerTests {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(LockstepAutoConfiguration.class)
    static class App {
    }

    private static void start(String... args) {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        // A URL nothing listens on: the failure comes before any connection.
        assertThatThrownBy(() -> application.run(args)).isNotNull();
    }

    @Test
    void runAtWithAValueItDoesNotTakeNamesTheValuesAsReadmeWritesThem(CapturedOutput output) {
        start("--lockstep.url=jdbc:postgresql://127.0.0.1:1/none", "--lockstep.run-at=sometimes");

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("lockstep.run-at has the value 'sometimes' (\"lockstep.run-at\" from property source "
                        + "\"commandLineArgs\"), which is not one it takes.")
                .contains("Set lockstep.run-at to one of: context-refresh, application-runner.")
                .doesNotContain("APPLICATION_RUNNER");
    }

    @Test
    void modeWithAValueItDoesNotTakeNamesTheValuesAsReadmeWritesThem(CapturedOutput output) {
        start("--lockstep.url=jdbc:postgresql://127.0.0.1:1/none", "--lockstep.mode=dry-run");

        assertThat(output).contains("lockstep.mode has the value 'dry-run'")
                .contains("Set lockstep.mode to one of: migrate, validate, preview, undo.");
    }
}
