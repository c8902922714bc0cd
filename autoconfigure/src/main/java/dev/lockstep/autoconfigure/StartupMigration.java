package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.UndoPlan;
import dev.lockstep.core.UndoTarget;
import dev.lockstep.core.LockstepException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One migration run at startup, as both the context-refresh initializer and the application
 * runner do it: fail startup on error unless {@code lockstep.fail-on-error=false}, and stop cleanly
 * when the JVM shuts down during the run.
 *
 * <p>Why the shutdown hook: a SIGTERM while a replica waits for the lock (for minutes, maybe) must
 * end the process promptly and quietly. Spring's own hook either waits for the refresh that runs
 * the migration (context-refresh) or closes the pool under it (runner), and the failure then ends
 * in a long stack trace. So for the length of the run a hook of Lockstep's interrupts the migrating
 * thread: the engine stops waiting at once, or after the migration in flight, and unlocks; that
 * thread logs one line and parks until the JVM halts, so nothing logs a startup failure.
 */
final class StartupMigration {

    private static final Log LOG = LogFactory.getLog(StartupMigration.class);
    /** How long the hook lets a migration in flight finish; PostgreSQL rolls back one cut short. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(25);

    private final Runnable work;
    private final boolean failOnError;
    private final Runnable afterRun;

    StartupMigration(Lockstep lockstep, LockstepProperties properties, Runnable afterRun) {
        this(() -> run(lockstep, properties), failsStartup(properties), afterRun);
    }

    /** @param work the run: one engine's, or every target's in order */
    StartupMigration(Runnable work, boolean failOnError, Runnable afterRun) {
        this.work = work;
        this.failOnError = failOnError;
        this.afterRun = afterRun;
    }

    /**
     * Whether a failed run fails the start: {@code lockstep.fail-on-error}, and always for an undo (a
     * job that undoes must never end as if it had).
     */
    static boolean failsStartup(LockstepProperties properties) {
        return properties.isFailOnError() || properties.getMode() == LockstepProperties.Mode.UNDO;
    }

    /** One engine's startup run in the configured mode. */
    static void run(Lockstep lockstep, LockstepProperties properties) {
        switch (properties.getMode()) {
            case VALIDATE -> lockstep.validate();
            case PREVIEW -> LOG.info("Lockstep preview (lockstep.mode=preview: nothing is applied, the application "
                    + "starts on the schema as it is):\n" + lockstep.preview().describe());
            case UNDO -> undo(lockstep, properties.getUndo());
            default -> lockstep.migrate();
        }
    }

    /**
     * {@code lockstep.mode=undo}: logs every down it runs, then undoes (under the migration lock). The
     * mode is the operator's confirmation; it is meant for a one-off job with {@code exit-after-run}.
     */
    private static void undo(Lockstep lockstep, LockstepProperties.Undo undo) {
        if (!undo.getTargets().isEmpty() || !undo.getTenants().isEmpty()) {
            throw new LockstepConfigurationException(undo.getTargets().isEmpty() ? "lockstep.undo.tenants"
                    : "lockstep.undo.targets", "chooses among lockstep.targets and their tenants, and this application "
                    + "has no lockstep.targets: its one set of files is undone as a whole. Remove it. Nothing was undone.");
        }
        UndoTarget target = undoTarget(undo);
        UndoPlan plan = lockstep.planUndo(target);
        LOG.warn("Lockstep undo (lockstep.mode=undo):\n" + plan.describe());
        UndoPlan undone = lockstep.undo(target, plan);
        LOG.warn("Lockstep undid " + undone.steps().size() + " migration(s) in " + undone.tracker()
                + "; the next start with lockstep.mode=migrate applies them again");
    }

    static UndoTarget undoTarget(LockstepProperties.Undo undo) {
        if ((undo.getTo() == null) == (undo.getLast() == null)) {
            throw new LockstepConfigurationException("lockstep.undo.to", "lockstep.mode=undo needs what to undo: set "
                    + "lockstep.undo.to (every applied migration above that version) or lockstep.undo.last (the N "
                    + "highest applied versions), one of them");
        }
        try {
            return undo.getTo() != null ? UndoTarget.to(undo.getTo()) : UndoTarget.last(undo.getLast());
        } catch (IllegalArgumentException e) {
            throw new LockstepConfigurationException(undo.getTo() != null ? "lockstep.undo.to" : "lockstep.undo.last",
                    e.getMessage());
        }
    }

    void run() {
        Thread migrating = Thread.currentThread();
        CountDownLatch ended = new CountDownLatch(1);
        ShutdownHook hook = new ShutdownHook(migrating, ended);
        boolean hooked = hook.register();
        try {
            work.run();
            afterRun.run();
        } catch (LockstepException e) {
            if (hook.fired) {
                LOG.warn("Lockstep stopped because the application is shutting down: " + e.getMessage());
                ended.countDown();
                parkUntilTheJvmHalts();
            }
            if (failOnError) {
                throw e;
            }
            afterRun.run();
            // The message names the file, line, SQLState and fix; the stack trace would bury it.
            LOG.error("Lockstep failed and lockstep.fail-on-error=false, so the application starts anyway; "
                    + "the 'lockstep' health is DOWN until a restart succeeds: " + e.getMessage());
            LOG.debug("Lockstep's failure, with its stack trace", e);
        } finally {
            ended.countDown();
            if (hooked) {
                hook.unregister();
            }
        }
    }

    /**
     * The JVM is going down and this thread has said why. Parking (not returning, not throwing)
     * keeps Spring from reporting a failed startup; Spring's own shutdown hook sees a startup thread
     * that waits and does not wait for it.
     */
    private static void parkUntilTheJvmHalts() {
        while (true) {
            LockSupport.park(StartupMigration.class);
        }
    }

    private static final class ShutdownHook extends Thread {

        private final Thread migrating;
        private final CountDownLatch ended;
        volatile boolean fired;

        ShutdownHook(Thread migrating, CountDownLatch ended) {
            super("lockstep-shutdown");
            this.migrating = migrating;
            this.ended = ended;
        }

        boolean register() {
            try {
                Runtime.getRuntime().addShutdownHook(this);
                return true;
            } catch (IllegalStateException | SecurityException e) {
                return false;
            }
        }

        void unregister() {
            try {
                Runtime.getRuntime().removeShutdownHook(this);
            } catch (IllegalStateException | SecurityException e) {
                // Already shutting down: the hook runs or ran, and finds the run ended.
            }
        }

        @Override
        public void run() {
            fired = true;
            migrating.interrupt();
            try {
                if (!ended.await(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warn("Lockstep: the migration in flight did not finish within " + SHUTDOWN_GRACE.toSeconds()
                            + " s of shutdown; exiting anyway. PostgreSQL rolls back a transactional migration cut "
                            + "short; a non-transactional one is left 'running' for the next start to report.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
