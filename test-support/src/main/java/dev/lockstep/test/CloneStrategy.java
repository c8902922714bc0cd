package dev.lockstep.test;

/**
 * How {@code CREATE DATABASE ... TEMPLATE} copies the template (PostgreSQL 15 and later offer two).
 */
public enum CloneStrategy {
    /** No {@code STRATEGY} clause: WAL_LOG on PostgreSQL 15 and later, a file copy before. */
    SERVER_DEFAULT,
    /** Copies block by block through the WAL: no checkpoint, so parallel clones do not queue. */
    WAL_LOG,
    /** Copies the files after a checkpoint; each clone forces two checkpoints. */
    FILE_COPY;

    String clause(int serverVersionNum) {
        if (this == SERVER_DEFAULT) {
            return "";
        }
        if (serverVersionNum < 150000) {
            throw new IllegalStateException("CloneStrategy." + name() + " needs PostgreSQL 15 or later; this server is "
                    + serverVersionNum / 10000 + ". Use CloneStrategy.SERVER_DEFAULT");
        }
        return " STRATEGY " + name();
    }
}
