package dev.lockstep.core.internal.tracker;

import java.util.List;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.files.MigrationId;

import java.time.Instant;

/** One row of the tracker table. */
public record AppliedRow(MigrationId id, String checksum, RowState state, Instant appliedAt, Long executionMs,
        String appliedBy) {

    public MigrationVersion version() {
        return id.version();
    }

    public String name() {
        return id.name();
    }

    public boolean running() {
        return state == RowState.RUNNING;
    }

    public boolean undone() {
        return state == RowState.UNDONE;
    }

    /** An undo outside a transaction started on it and did not finish: part of its down may have taken effect. */
    public boolean undoing() {
        return state == RowState.UNDOING;
    }

    /** A migration or an undo outside a transaction that did not finish: it needs its end, by a run or an operator. */
    public boolean interrupted() {
        return running() || undoing();
    }

    /** The rows whose migration is in the schema or on its way: an undone row is kept for history only. */
    public static List<AppliedRow> inEffect(List<AppliedRow> rows) {
        return rows.stream().filter(row -> !row.undone()).toList();
    }
}
