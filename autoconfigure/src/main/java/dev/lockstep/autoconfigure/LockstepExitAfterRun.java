package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.RunProgress;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * {@code lockstep.exit-after-run=true}: the application image run as a migration job. Once the
 * application has started, and with it the startup run, the context is closed and the process
 * exits: status 0 when the run completed, 1 when it failed (with {@code fail-on-error=false};
 * otherwise the failed start already ends the process with status 1).
 *
 * <p>Why after the start and not right after the run: exiting from inside a context refresh would
 * race Spring's own shutdown hook against the refresh; at {@link ApplicationReadyEvent} the
 * context is whole and closes in order.
 */
class LockstepExitAfterRun implements ApplicationListener<ApplicationReadyEvent> {

    private static final Log LOG = LogFactory.getLog(LockstepExitAfterRun.class);

    private final Lockstep lockstep;

    LockstepExitAfterRun(Lockstep lockstep) {
        this.lockstep = lockstep;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        RunProgress.Snapshot progress = lockstep.progress();
        int status = progress.phase() == RunProgress.Phase.FAILED ? 1 : 0;
        LOG.info("lockstep.exit-after-run: the startup run ended (" + progress.phase().label() + ", " + progress.applied()
                + " migration(s) applied in the tracker); closing the application and exiting with status " + status);
        System.exit(SpringApplication.exit(event.getApplicationContext(), () -> status));
    }
}
