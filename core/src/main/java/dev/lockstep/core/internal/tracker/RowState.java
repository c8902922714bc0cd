package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.LockstepException;

/** The {@code state} column of a tracker row. */
public enum RowState {
    /** Committed: its schema change took effect. */
    APPLIED("applied"),
    /** A non-transactional migration started and has not finished (or was interrupted). */
    RUNNING("running"),
    /** Undone by an explicit undo (its down ran); kept for history, and applied again by the next migrate. */
    UNDONE("undone"),
    /** An undo outside a transaction started on it and has not finished (or was interrupted). */
    UNDOING("undoing");

    private final String column;

    RowState(String column) {
        this.column = column;
    }

    /** The value stored in the column. */
    public String column() {
        return column;
    }

    public static RowState of(String column) {
        for (RowState state : values()) {
            if (state.column.equals(column)) {
                return state;
            }
        }
        throw new LockstepException("Unknown tracker state '" + column + "'; the table's CHECK allows only "
                + "'applied', 'running', 'undone' and 'undoing'. Was the tracker edited by hand, or written by a newer "
                + "Lockstep?");
    }
}
