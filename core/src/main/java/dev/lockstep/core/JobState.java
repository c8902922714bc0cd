package dev.lockstep.core;

import java.util.Locale;

/** Where a batched migration's job stands; the job table's {@code state} column holds {@link #label()}. */
public enum JobState {
    /** Recorded by the migration that declares it; no batch has run. */
    PENDING,
    /** Batches have run and more are left: a worker runs it, or the next one to take its lock does. */
    RUNNING,
    /** An operator paused it ({@code lockstep-cli pause}); no batch runs until it is resumed. */
    PAUSED,
    /** A batch failed every attempt; the job's error names its key range. Nothing runs until it is retried. */
    FAILED,
    /** Every batch ran: no row past the last key was left. */
    FINISHED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a worker may run its batches now. */
    public boolean runnable() {
        return this == PENDING || this == RUNNING;
    }

    /** The state a label names. */
    public static JobState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
