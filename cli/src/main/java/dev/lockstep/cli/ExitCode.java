package dev.lockstep.cli;

/** What the command line's exit status means; README lists the same. */
enum ExitCode {
    /** Done: migrated, listed, valid, previewed. */
    OK(0),
    /** The command failed: a migration, the tracker, the lock or the database (the message says which). */
    FAILED(1),
    /** The command line or a setting is wrong: nothing was done. */
    USAGE(2),
    /** {@code validate}: migrations are pending, the database is behind the files. */
    PENDING(3),
    /** An operator action was not confirmed: nothing changed. */
    DECLINED(4),
    /** {@code drift}: the schema differs from what the applied migrations make. */
    DRIFT(5);

    final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
