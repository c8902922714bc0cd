package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationReport;
import dev.lockstep.core.ValidationException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.plan.MigrationPlan;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code lockstep.mode=validate}: the files checked against the tracker as migrate would check
 * them, without the lock and without writing anything, failing on anything pending. Reported to
 * listeners as a run, so health shows its outcome.
 */
public final class ValidateCommand {

    private static final System.Logger LOG = System.getLogger(ValidateCommand.class.getName());

    private final Engine engine;

    public ValidateCommand(Engine engine) {
        this.engine = engine;
    }

    /**
     * @throws ValidationException when migrations are pending
     * @throws LockstepException when the tracker does not match the files, as migrate would
     */
    public MigrationReport run() {
        long started = System.nanoTime();
        Listeners listeners = engine.listeners();
        try {
            List<LoadedMigration> onDisk = engine.files().loadEveryFile();
            listeners.runStarted(Collections.unmodifiableList(onDisk));
            TrackerView view = TrackerView.read(engine, onDisk);
            MigrationPlan plan = view.plan(engine, onDisk);
            listeners.pendingResolved(Collections.unmodifiableList(plan.pending()), plan.alreadyApplied());
            plan.log(view.tracker());
            if (!plan.pending().isEmpty()) {
                throw new ValidationException("Validation failed: " + plan.pending().size() + " migration(s) on disk "
                        + "are not applied in " + view.tracker().displayName() + view.absence() + ": "
                        + plan.pending().stream()
                                .map(m -> m.file() + (plan.outOfOrder().contains(m) ? " (out of order)"
                                        : m.repeatable() ? " (repeatable, changed since it last ran)"
                                        : plan.resumed().contains(m) ? " (interrupted; migrate finishes it, as every "
                                                + "statement in it is concurrent index work)" : ""))
                                .collect(Collectors.joining(", "))
                        + ". Nothing was written. Apply them first: migrate (lockstep.mode=migrate, the default, or "
                        + "lockstep-cli migrate).");
            }
            MigrationReport report = new MigrationReport(view.tracker().displayName(), List.of(),
                    plan.alreadyApplied(), plan.missingFiles(), Duration.ZERO,
                    Duration.ofNanos(System.nanoTime() - started));
            LOG.log(Level.INFO, "Validated " + report.alreadyApplied() + " applied migration(s) in " + report.tracker()
                    + " against the files: nothing pending, nothing changed (" + report.total().toMillis() + " ms)");
            listeners.runFinished(report);
            return report;
        } catch (LockstepException e) {
            listeners.runFailed(e, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
    }
}
