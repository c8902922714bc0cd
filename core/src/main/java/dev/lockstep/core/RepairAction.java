package dev.lockstep.core;

/**
 * The operator actions on one tracker row that Lockstep's error messages describe
 * ({@link Lockstep#repair}).
 */
public enum RepairAction {
    /** An interrupted ({@code running}) migration whose remaining statements were completed by hand. */
    MARK_DONE,
    /** An interrupted migration whose effects were undone by hand: the next migrate applies it again. */
    FORGET,
    /** An applied file edited since, when the edit changes nothing in the schema. */
    ACCEPT_CHECKSUM,
    /** An applied file renamed since ({@code versions=unique}): the row takes the file's new name. */
    ACCEPT_RENAME,
    /** An interrupted undo ({@code undoing}) whose down's remaining statements were run by hand: the row is undone. */
    MARK_UNDONE,
    /**
     * An interrupted undo ({@code undoing}) whose down's statements that took effect were put back by
     * hand (or none took effect): the row is applied again.
     */
    MARK_APPLIED
}
