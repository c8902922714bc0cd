package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.hibernate.tool.schema.spi.SchemaManagementException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/** JPA's ddl-auto=validate before a runner that has not migrated yet: the failure says why and the ways out. */
class SchemaValidatedBeforeRunnerFailureAnalyzerTests {

    private static final BeanCreationException HIBERNATE_FAILURE = new BeanCreationException("entityManagerFactory",
            "Error creating bean", new SchemaManagementException("Schema validation: missing table [customers]"));

    @Test
    void withTheRunnerTheAnalysisSaysLockstepHadNotMigratedYetAndGivesBothWaysOut() {
        FailureAnalysis analysis = new SchemaValidatedBeforeRunnerFailureAnalyzer(
                new MockEnvironment().withProperty("lockstep.run-at", "application-runner")).analyze(HIBERNATE_FAILURE);

        assertThat(analysis.getDescription()).isEqualTo("Hibernate validated the schema while the application context "
                + "started and found it not migrated: Schema validation: missing table [customers]. With "
                + "lockstep.run-at=application-runner, Lockstep migrates after the context has started, so its "
                + "migrations had not run yet.");
        assertThat(analysis.getAction()).contains("set it to context-refresh, the default")
                .contains("spring.jpa.hibernate.ddl-auto=none");
    }

    @Test
    void whenLockstepMigratesWhileTheContextStartsItLeavesTheFailureToHibernate() {
        assertThat(new SchemaValidatedBeforeRunnerFailureAnalyzer(new MockEnvironment()).analyze(HIBERNATE_FAILURE))
                .isNull();
        assertThat(new SchemaValidatedBeforeRunnerFailureAnalyzer(new MockEnvironment()
                .withProperty("lockstep.run-at", "application-runner").withProperty("lockstep.enabled", "false"))
                .analyze(HIBERNATE_FAILURE)).isNull();
    }
}
