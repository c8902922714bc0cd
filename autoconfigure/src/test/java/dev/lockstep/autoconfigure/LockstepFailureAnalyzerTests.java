package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.LockstepConfigurationException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

class LockstepFailureAnalyzerTests {

    @Test
    void aBadSettingIsReportedWithThePropertyToCorrect() {
        LockstepConfigurationException cause = new LockstepConfigurationException("lockstep.table", "'x y' is not valid");

        FailureAnalysis analysis = new LockstepFailureAnalyzer()
                .analyze(new IllegalStateException("Failed to execute ApplicationRunner", cause));

        assertThat(analysis.getDescription()).contains("lockstep.table: 'x y' is not valid");
        assertThat(analysis.getAction()).contains("Correct the property lockstep.table");
    }
}
