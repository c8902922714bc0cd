package dev.lockstep.autoconfigure;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * Migrates on the main thread, first among the runners ({@code lockstep.run-at=application-runner}).
 * The web server and liveness are already up while it waits and works, and the {@code lockstep}
 * health shows the wait and its holder. Spring Boot turns readiness to {@code ACCEPTING_TRAFFIC}
 * only after every runner has returned, and {@link MigrationGate} answers application requests 503
 * until then. Beans that use the database during the context's start run before it.
 */
public class LockstepApplicationRunner implements ApplicationRunner, Ordered {

    private final StartupMigration migration;

    LockstepApplicationRunner(StartupMigration migration) {
        this.migration = migration;
    }

    @Override
    public void run(ApplicationArguments args) {
        migration.run();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
