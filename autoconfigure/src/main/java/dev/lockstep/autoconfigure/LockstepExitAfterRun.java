package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.RunProgress;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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

    /** Says how the startup run ended, and whether it failed. */
    private final Supplier<String> outcome;
    private final BooleanSupplier failed;

    LockstepExitAfterRun(Lockstep lockstep) {
        this.outcome = () -> lockstep.progress().phase().label() + ", " + lockstep.progress().applied()
                + " migration(s) applied in the tracker";
        this.failed = () -> lockstep.progress().phase() == RunProgress.Phase.FAILED;
    }

    /** {@code lockstep.mode=undo}: an undo that failed failed the start, so reaching here means it ran. */
    static LockstepExitAfterRun afterUndo() {
        return new LockstepExitAfterRun(() -> "lockstep.mode=undo, its lines above say what it undid", () -> false);
    }

    private LockstepExitAfterRun(Supplier<String> outcome, BooleanSupplier failed) {
        this.outcome = outcome;
        this.failed = failed;
    }

    LockstepExitAfterRun(LockstepTargets targets) {
        this.outcome = () -> targets.all().size() + " target(s)";
        this.failed = () -> targets.all().stream().anyMatch(t -> targets.notRun(t.name()).isPresent()
                || t.engine().map(e -> e.progress().phase() == RunProgress.Phase.FAILED).orElse(false)
                        || t.fleet().map(f -> !f.failed().isEmpty()).orElse(false));
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        int status = failed.getAsBoolean() ? 1 : 0;
        LOG.info("lockstep.exit-after-run: the startup run ended (" + outcome.get() + "); closing the application "
                + "and exiting with status " + status);
        System.exit(SpringApplication.exit(event.getApplicationContext(), () -> status));
    }
}
