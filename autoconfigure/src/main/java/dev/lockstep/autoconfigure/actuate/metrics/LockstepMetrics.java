package dev.lockstep.autoconfigure.actuate.metrics;

import static dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters.OUTCOME;
import static dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters.TRANSACTIONAL;

import dev.lockstep.core.BlockedOn;
import dev.lockstep.core.LockTimeoutException;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Records Lockstep's meters ({@link LockstepMeters}). Every meter is registered up front, so
 * dashboards show zero rather than nothing before the first run. A failure to register or record is
 * a warning: metrics never fail a startup.
 */
public class LockstepMetrics implements LockstepListener {

    private static final Log LOG = LogFactory.getLog(LockstepMetrics.class);

    private final MeterRegistry registry;
    private final Tags extra;

    public LockstepMetrics(MeterRegistry registry, Lockstep lockstep) {
        this(registry, lockstep, Tags.empty());
    }

    /** @param extra tags every meter carries: {@code target=<name>} for a named target */
    public LockstepMetrics(MeterRegistry registry, Lockstep lockstep, Tags extra) {
        this.registry = registry;
        this.extra = extra;
        try {
            for (String outcome : new String[] {"acquired", "timeout", "error"}) {
                lockWait(outcome);
            }
            for (String outcome : new String[] {"success", "failure"}) {
                run(outcome);
                apply(outcome, true);
                apply(outcome, false);
            }
            ddlRetries(true);
            ddlRetries(false);
            Gauge.builder(LockstepMeters.PENDING, lockstep, l -> l.progress().pending()).tags(extra)
                    .description("Migrations the current run has still to apply").register(registry);
            Gauge.builder(LockstepMeters.APPLIED, lockstep, l -> l.progress().applied()).tags(extra)
                    .description("Migrations recorded in the tracker").register(registry);
        } catch (RuntimeException e) {
            LOG.warn("Could not register Lockstep's meters; migrations are not affected", e);
        }
    }

    @Override
    public void lockAcquired(Duration waited) {
        lockWait("acquired").record(waited);
    }

    @Override
    public void lockNotNeeded(Duration waited) {
        lockWait("not-needed").record(waited);
    }

    @Override
    public void lockFailed(Duration waited, LockstepException error) {
        lockWait(error instanceof LockTimeoutException ? "timeout" : "error").record(waited);
    }

    @Override
    public void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
            BlockedOn blockedOn) {
        ddlRetries(migration.transactional()).increment();
    }

    @Override
    public void migrationApplied(Migration migration, Duration took) {
        apply("success", migration.transactional()).record(took);
    }

    @Override
    public void migrationFailed(Migration migration, Duration took, LockstepException error) {
        apply("failure", migration.transactional()).record(took);
    }

    @Override
    public void runFinished(MigrationReport report) {
        run("success").record(report.total());
    }

    @Override
    public void runFailed(LockstepException error, Duration took) {
        run("failure").record(took);
    }

    private Timer lockWait(String outcome) {
        return Timer.builder(LockstepMeters.LOCK_WAIT).description("Time a run waited for the migration lock")
                .tag(OUTCOME, outcome).tags(extra).register(registry);
    }

    private Timer apply(String outcome, boolean transactional) {
        return Timer.builder(LockstepMeters.MIGRATION_APPLY).description("Time to apply one migration")
                .tag(OUTCOME, outcome).tag(TRANSACTIONAL, String.valueOf(transactional)).tags(extra).register(registry);
    }

    private Counter ddlRetries(boolean transactional) {
        return Counter.builder(LockstepMeters.DDL_RETRIES)
                .description("Migration attempts cancelled by lockstep.ddl.lock-timeout and tried again")
                .tag(TRANSACTIONAL, String.valueOf(transactional)).tags(extra).register(registry);
    }

    private Timer run(String outcome) {
        return Timer.builder(LockstepMeters.RUN).description("Time of a whole Lockstep run")
                .tag(OUTCOME, outcome).tags(extra).register(registry);
    }
}
