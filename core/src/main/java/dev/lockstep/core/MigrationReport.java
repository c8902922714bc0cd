package dev.lockstep.core;

import java.time.Duration;
import java.util.List;

/**
 * What a run did.
 *
 * @param tracker the tracker table, {@code schema.table}
 * @param applied what this run applied, in order
 * @param alreadyApplied how many migrations on disk were applied before this run
 * @param missingFiles tracker rows with no file on disk ({@code version_name}): the database is
 *     ahead of this code, which is reported and never an error
 * @param lockWait how long the run waited for the lock
 * @param total the whole run, from reading files to releasing the lock
 */
public record MigrationReport(String tracker, List<AppliedMigration> applied, int alreadyApplied,
        List<String> missingFiles, Duration lockWait, Duration total) {

    public MigrationReport {
        applied = List.copyOf(applied);
        missingFiles = List.copyOf(missingFiles);
    }

    /** The migrations applied although a higher version was already applied: merged out of order. */
    public List<AppliedMigration> outOfOrder() {
        return applied.stream().filter(AppliedMigration::outOfOrder).toList();
    }
}
