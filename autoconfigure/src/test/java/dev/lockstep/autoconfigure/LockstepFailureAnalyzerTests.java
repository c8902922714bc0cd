package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.ValidationException;
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

    @Test
    void aFailedValidationSaysTheDatabaseIsNotMigratedAndWhatToDo() {
        ValidationException cause = new ValidationException("Validation failed: 1 migration(s) on disk are not applied");

        FailureAnalysis analysis = new LockstepFailureAnalyzer().analyze(cause);

        assertThat(analysis.getDescription()).startsWith("Lockstep found the database not migrated (lockstep.mode=validate)")
                .contains("1 migration(s) on disk are not applied");
        assertThat(analysis.getAction()).contains("Migrate this database first");
    }
}
