package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.MigrationReport;
import dev.lockstep.core.internal.files.IndexSummary;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.plan.MigrationPlan;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Baseline;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Whether the tracker already records every file as applied, read without the lock: the common
 * restart, and a waiter whose holder has done the work. Rows are only ever added, so a tracker that
 * holds every file as applied (none half-done) leaves nothing a lock could protect; anything else,
 * a missing tracker included, takes the locked path.
 */
final class UpToDateCheck {

    /** The run's logger: what this check says reads as part of the run. */
    private static final System.Logger LOG = System.getLogger(MigrateCommand.class.getName());

    private final Engine engine;
    private final Connection connection;
    private final Tracker tracker;
    private final List<LoadedMigration> onDisk;
    private final Consumer<List<AppliedRow>> read;
    private boolean trackerSeen;
    /** What the last look found not applied: every file until the tracker was read. */
    private List<LoadedMigration> mayRun;

    /** @param read told of the rows each look reads, so {@code info()} can answer during the run */
    UpToDateCheck(Engine engine, Connection connection, Tracker tracker, List<LoadedMigration> onDisk,
            Consumer<List<AppliedRow>> read) {
        this.engine = engine;
        this.connection = connection;
        this.tracker = tracker;
        this.onDisk = onDisk;
        this.read = read;
        this.mayRun = onDisk;
    }

    /**
     * The files the last look did not find applied (every file when it could not tell): a superset
     * of what a run under the lock applies, since rows are only added. Files the tracker records as
     * applied are not read to learn their session effects.
     */
    List<LoadedMigration> mayRun() {
        return mayRun;
    }

    /**
     * The run's report when everything is applied, else empty.
     *
     * @param lockWait how long the run has waited so far
     */
    Optional<MigrationReport> check(Duration lockWait, long startedNanos) throws SQLException {
        if (!tracker.exists(connection)) {
            return Optional.empty();
        }
        List<AppliedRow> rows = tracker.read(connection);
        read.accept(rows);
        engine.settings().baselineVersion().ifPresent(version -> Baseline.refuseIfHistory(tracker, rows, version));
        if (rows.stream().anyMatch(AppliedRow::interrupted)) {
            return Optional.empty();
        }
        MigrationPlan plan = MigrationPlan.build(onDisk, rows, engine.settings().get(LockstepSettings.VERSIONS),
                engine.settings().get(LockstepSettings.CHECKSUM), tracker);
        if (!plan.pending().isEmpty()) {
            mayRun = plan.pending();
            return Optional.empty();
        }
        plan.log(tracker);
        engine.listeners().pendingResolved(List.of(), plan.alreadyApplied());
        return Optional.of(new MigrationReport(tracker.displayName(), List.of(), plan.alreadyApplied(),
                plan.missingFiles(), lockWait, Duration.ofNanos(System.nanoTime() - startedNanos)));
    }

    /**
     * The run's report when the tracker holds exactly the migrations the build's index lists, all
     * applied with the indexed checksums: one query, no file read, no row read. Else empty, and
     * the run reads the files and the rows as without an index. A configured baseline always
     * takes that path: it checks the history row by row.
     */
    static Optional<MigrationReport> asIndexed(Engine engine, Connection connection, Tracker tracker,
            IndexSummary summary, long startedNanos) throws SQLException {
        if (engine.settings().baselineVersion().isPresent() || !tracker.exists(connection)) {
            return Optional.empty();
        }
        Optional<Tracker.Digest> digest = tracker.digest(connection);
        if (digest.isEmpty() || digest.get().notApplied() != 0 || digest.get().rows() != summary.migrations()
                || digest.get().digest() != summary.trackerDigest()) {
            return Optional.empty();
        }
        LOG.log(engine.settings().routine(), "The tracker holds the " + summary.migrations() + " migration(s) the "
                + "build's index " + summary.index() + " lists, each applied with its indexed checksum; no migration "
                + "file was read");
        engine.listeners().pendingResolved(List.of(), summary.migrations());
        return Optional.of(new MigrationReport(tracker.displayName(), List.of(), summary.migrations(), List.of(),
                Duration.ZERO, Duration.ofNanos(System.nanoTime() - startedNanos)));
    }

    /**
     * Between two tries for the lock: whether its holder has applied everything. The count is the
     * cheap look; the full check runs only when it could succeed.
     */
    Optional<MigrationReport> checkWhileWaiting(long waitStarted, long startedNanos) throws SQLException {
        trackerSeen = trackerSeen || tracker.exists(connection);
        if (trackerSeen && tracker.countApplied(connection) >= onDisk.size()) {
            return check(Duration.ofNanos(System.nanoTime() - waitStarted), startedNanos);
        }
        return Optional.empty();
    }
}
