package dev.lockstep.core;

/** Which applied migrations an undo reverts: every one above a version, or the last N (by version). */
public sealed interface UndoTarget {

    /** Undo every applied migration with a higher version than {@code version}; {@code 0}: every one. */
    static UndoTarget to(String version) {
        return version.strip().equals("0") ? new Last(Integer.MAX_VALUE) : new To(MigrationVersion.parse(version));
    }

    /** Undo the {@code count} applied migrations with the highest versions. */
    static UndoTarget last(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("undo --last needs 1 or more, not " + count);
        }
        return new Last(count);
    }

    record To(MigrationVersion version) implements UndoTarget {
    }

    record Last(int count) implements UndoTarget {
    }
}
