package dev.lockstep.core.internal.run;

import dev.lockstep.core.CatalogSnapshot;
import dev.lockstep.core.Drift;
import dev.lockstep.core.DriftComparison;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.internal.drift.RoutineDefinitions;
import dev.lockstep.core.internal.drift.SchemaComparison;
import dev.lockstep.core.internal.drift.ScratchDatabase;
import dev.lockstep.core.internal.drift.StoredSchema;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationId;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Identifiers;
import dev.lockstep.core.internal.tracker.RowState;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code drift()}: the live schema of the tracker's schema against what the applied migrations
 * make, read by {@link CatalogSnapshot} and compared object by object ({@link SchemaComparison}).
 * What the migrations make comes from a replay (the applied migrations, in the order they were
 * applied, run again on a scratch database) or from the snapshot the runs stored beside the tracker
 * ({@link StoredSchema}), as {@code lockstep.drift.compare-with} says. Takes no lock and writes
 * nothing in the live database; the scratch database is dropped whatever happens.
 */
public final class DriftCommand {

    private final Engine engine;

    public DriftCommand(Engine engine) {
        this.engine = engine;
    }

    public Drift run() {
        RunTarget target = engine.target();
        DriftComparison wanted = engine.settings().get(LockstepSettings.DRIFT_COMPARE_WITH);
        List<String> ignore = engine.settings().find(LockstepSettings.DRIFT_IGNORE).orElse(List.of());
        try (Connection connection = target.connect()) {
            Tracker tracker = target.existingTracker(connection, "no migration was applied here, so nothing can "
                    + "drift from them");
            String where = tracker.displayName() + target.tenant().map(t -> " (tenant " + t + ")").orElse("");
            Set<String> own = StoredSchema.ownTables(target.table());
            CatalogSnapshot live = CatalogSnapshot.of(connection, tracker.schema(), own);
            Optional<StoredSchema.Stored> stored = wanted == DriftComparison.REPLAY ? Optional.empty()
                    : StoredSchema.read(connection, tracker, target.table());
            boolean current = stored.isPresent()
                    && stored.get().trackerState().equals(StoredSchema.trackerState(connection, tracker));
            if (wanted == DriftComparison.SNAPSHOT || wanted == DriftComparison.AUTO && current) {
                StoredSchema.Stored snapshot = usable(stored, current, tracker);
                SchemaComparison.Result result = SchemaComparison.compare(snapshot.lines(), live.lines(), ignore);
                return new Drift(where, DriftComparison.SNAPSHOT, "the snapshot stored by " + snapshot.storedBy()
                        + " at " + snapshot.storedAt(), detailed(result, Optional.empty(), connection, tracker),
                        result.ignored());
            }
            List<LoadedMigration> replayed = applied(tracker.read(connection), engine.scan(), tracker);
            Replayed made = replay(connection, tracker, replayed);
            SchemaComparison.Result result = SchemaComparison.compare(made.snapshot().lines(), live.lines(), ignore);
            return new Drift(where, DriftComparison.REPLAY, "a replay of " + replayed.size() + " applied migration(s)",
                    detailed(result, Optional.of(made.routines()), connection, tracker), result.ignored());
        } catch (SQLException e) {
            throw new LockstepException("Drift could not read the catalog: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]", e);
        }
    }

    private static StoredSchema.Stored usable(Optional<StoredSchema.Stored> stored, boolean current, Tracker tracker) {
        if (stored.isEmpty()) {
            throw new LockstepException("No schema snapshot is stored beside " + tracker.displayName() + ": each "
                    + "migrate or undo that changes the schema stores one, and none has run here since Lockstep "
                    + "began storing them. Compare with a replay (lockstep.drift.compare-with=replay) until one has.");
        }
        if (!current) {
            throw new LockstepException("The schema snapshot stored beside " + tracker.displayName() + " by "
                    + stored.get().storedBy() + " at " + stored.get().storedAt() + " is of another state of the tracker: "
                    + "a later run recorded migrations without storing its snapshot (it failed, or could not write "
                    + "it). Compare with a replay (lockstep.drift.compare-with=replay); the next run that changes the "
                    + "schema stores a new snapshot.");
        }
        return stored.get();
    }

    /**
     * The files of the applied rows, in the order they were applied: what the replay runs. An
     * interrupted migration, a missing file or one changed since it ran stops the replay before it
     * starts: it would not run what ran.
     */
    private static List<LoadedMigration> applied(List<AppliedRow> rows, List<LoadedMigration> onDisk,
            Tracker tracker) {
        Map<MigrationId, LoadedMigration> files = onDisk.stream()
                .collect(Collectors.toMap(LoadedMigration::id, Function.identity(), (a, b) -> a));
        Optional<AppliedRow> interrupted = rows.stream().filter(AppliedRow::interrupted).findFirst();
        if (interrupted.isPresent()) {
            throw new LockstepException("The migration " + interrupted.get().id() + " in " + tracker.displayName()
                    + " is interrupted (its row says '" + interrupted.get().state().name().toLowerCase(java.util.Locale.ROOT)
                    + "'), so the schema is between two states; finish it first (migrate, or the operator actions "
                    + "info names), then look for drift.");
        }
        List<AppliedRow> applied = rows.stream().filter(row -> row.state() == RowState.APPLIED)
                .sorted(Comparator.comparing((AppliedRow row) -> Optional.ofNullable(row.appliedAt()).orElse(Instant.EPOCH))
                        .thenComparing(AppliedRow::version))
                .toList();
        return applied.stream().map(row -> {
            LoadedMigration file = files.get(row.id());
            if (file == null) {
                throw new LockstepException("The applied migration " + row.id() + " has no file here, so the replay "
                        + "cannot run what it ran; put the file back, or compare with the snapshot stored beside "
                        + "the tracker (lockstep.drift.compare-with=snapshot).");
            }
            if (row.checksum() != null && !row.checksum().equals(file.checksum())) {
                throw new LockstepException(file.file() + " changed after it was applied (checksum " + row.checksum()
                        + " applied, " + file.checksum() + " on disk), so the replay would not run what ran; restore "
                        + "the file as applied, or compare with the snapshot stored beside the tracker "
                        + "(lockstep.drift.compare-with=snapshot).");
            }
            return file;
        }).toList();
    }

    /** A changed function's or procedure's definition lines, read where a difference names one. */
    private static List<Drift.Difference> detailed(SchemaComparison.Result result,
            Optional<Map<String, String>> migrations, Connection connection, Tracker tracker) throws SQLException {
        if (result.differences().stream().noneMatch(RoutineDefinitions::concerns)) {
            return result.differences();
        }
        return RoutineDefinitions.detailed(result.differences(), migrations,
                RoutineDefinitions.read(connection, tracker.schema()));
    }

    /** What the replay made: its catalog, and its functions' and procedures' definitions. */
    private record Replayed(CatalogSnapshot snapshot, Map<String, String> routines) {
    }

    /** Runs the files on a scratch database, where the target's session settings put their objects, and reads them. */
    private Replayed replay(Connection live, Tracker tracker, List<LoadedMigration> files) throws SQLException {
        RunSettings settings = engine.settings();
        try (ScratchDatabase scratch = ScratchDatabase.create(live, settings.find(LockstepSettings.URL),
                settings.find(LockstepSettings.USER), settings.find(LockstepSettings.PASSWORD));
                Connection connection = scratch.connect()) {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(tracker.schema()));
            }
            scratch.giveDefaultPrivilegesOf(live, connection, tracker.schema());
            FileReplay replay = new FileReplay(connection, "The replay for drift (on the scratch database "
                    + scratch.name() + ")");
            replay.set(engine.target().sessionSettings(connection));
            for (LoadedMigration file : files) {
                replay.runUp(file);
            }
            return new Replayed(CatalogSnapshot.of(connection, tracker.schema(),
                    StoredSchema.ownTables(engine.target().table())), RoutineDefinitions.read(connection, tracker.schema()));
        }
    }
}
