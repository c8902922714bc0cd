package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * Applies migrations on the main thread, first among the runners. The web server and liveness are
 * already up while it waits and works; Spring Boot turns readiness to {@code ACCEPTING_TRAFFIC}
 * only after every runner has returned, so no traffic reaches a schema that is not migrated yet.
 */
public class LockstepApplicationRunner implements ApplicationRunner, Ordered {

    private static final Log LOG = LogFactory.getLog(LockstepApplicationRunner.class);

    private final Lockstep lockstep;
    private final boolean failOnError;

    public LockstepApplicationRunner(Lockstep lockstep, boolean failOnError) {
        this.lockstep = lockstep;
        this.failOnError = failOnError;
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            lockstep.migrate();
        } catch (LockstepException e) {
            if (failOnError) {
                throw e;
            }
            LOG.error("Lockstep failed and lockstep.fail-on-error=false, so the application starts anyway; "
                    + "the 'lockstep' health is DOWN until a restart succeeds: " + e.getMessage(), e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
