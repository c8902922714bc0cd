package dev.lockstep.core.internal.sql;

/** What a statement does to the transaction it runs in. */
public enum TransactionControl {
    /** Nothing: it runs in whatever transaction there is. */
    NONE,
    /** {@code BEGIN}, {@code START TRANSACTION}: opens one. */
    OPENS,
    /** {@code COMMIT}, {@code END}, {@code ROLLBACK}, {@code ABORT}, {@code PREPARE TRANSACTION}: ends it. */
    ENDS,
    /** {@code COMMIT AND CHAIN}, {@code ROLLBACK AND CHAIN}: ends it and opens the next at once. */
    ENDS_AND_OPENS;

    /** Whether the statement opens or ends a transaction itself. */
    public boolean controlsTransactions() {
        return this != NONE;
    }

    /** Whether a transaction is open after it. */
    public boolean leavesOpen() {
        return this == OPENS || this == ENDS_AND_OPENS;
    }
}
