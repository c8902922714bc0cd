package dev.lockstep.core;

/** Where one migration stands, comparing the files with the tracker. */
public enum MigrationState {
    /** Applied, and the file still matches. */
    APPLIED("applied"),
    /** On disk, not applied yet. */
    PENDING("pending"),
    /** Not applied yet, although a higher version is: it will be applied out of order. */
    OUT_OF_ORDER("out-of-order"),
    /** Applied, but the file changed since. */
    DRIFTED("drifted"),
    /** Applied, but no file on disk has its (version, name): the database is ahead of this code. */
    MISSING_FILE("missing-file"),
    /** A non-transactional migration started and never finished: needs an operator. */
    RUNNING("running"),
    /**
     * An undo outside a transaction started on it and never finished: part of its down may have
     * taken effect. Needs an operator, unless every statement of the down is a concurrent index drop,
     * which the next migrate finishes.
     */
    UNDOING("undoing");

    private final String label;

    MigrationState(String label) {
        this.label = label;
    }

    /** The lower-case name used in JSON and logs, e.g. {@code out-of-order}. */
    public String label() {
        return label;
    }
}
