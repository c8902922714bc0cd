package dev.lockstep.core;

import java.time.Instant;

/** One row of the tracker table. */
record AppliedRow(MigrationId id, String checksum, RowState state, Instant appliedAt, Long executionMs,
        String appliedBy) {

    MigrationVersion version() {
        return id.version();
    }

    String name() {
        return id.name();
    }

    boolean running() {
        return state == RowState.RUNNING;
    }
}
