package dev.lockstep.core;

import java.time.Instant;

/** One row of the tracker table. */
record AppliedRow(long version, String name, String checksum, String state, Instant appliedAt, Long executionMs,
        String appliedBy) {

    static final String RUNNING = "running";

    boolean running() {
        return RUNNING.equals(state);
    }
}
