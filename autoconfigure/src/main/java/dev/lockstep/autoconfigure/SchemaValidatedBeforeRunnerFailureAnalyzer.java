package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.LockstepProperties.RunAt;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Hibernate's {@code ddl-auto=validate} failed on a schema that Lockstep had not migrated yet,
 * because {@code lockstep.run-at=application-runner} migrates after the context has started, and
 * JPA validates while it starts. Says so and gives the two ways out, instead of leaving the user
 * with Hibernate's "missing table" alone.
 */
class SchemaValidatedBeforeRunnerFailureAnalyzer implements FailureAnalyzer {

    /** Hibernate's exception for a failed schema validation, read by name: Hibernate is optional. */
    private static final String SCHEMA_MANAGEMENT_EXCEPTION = "org.hibernate.tool.schema.spi.SchemaManagementException";

    private final Environment environment;

    SchemaValidatedBeforeRunnerFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        Throwable validation = find(failure);
        if (validation == null || !migratesAfterTheContext()) {
            return null;
        }
        return new FailureAnalysis("Hibernate validated the schema while the application context started and found it "
                + "not migrated: " + validation.getMessage() + ". With lockstep.run-at=application-runner, Lockstep "
                + "migrates after the context has started, so its migrations had not run yet.",
                "Either let Lockstep migrate while the context starts, before JPA (remove lockstep.run-at, or set it "
                        + "to context-refresh, the default), or keep application-runner and turn Hibernate's schema "
                        + "validation off (spring.jpa.hibernate.ddl-auto=none).",
                validation);
    }

    private boolean migratesAfterTheContext() {
        return Binder.get(environment).bind("lockstep.enabled", Boolean.class).orElse(true)
                && RunAt.configuredIn(environment) == RunAt.APPLICATION_RUNNER;
    }

    private static Throwable find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals(SCHEMA_MANAGEMENT_EXCEPTION)) {
                return t;
            }
        }
        return null;
    }
}
