package dev.lockstep.test;

/**
 * How {@code CREATE DATABASE ... TEMPLATE} copies the template (PostgreSQL 15 and later offer two).
 */
public enum CloneStrategy {
    /**
     * The one measured fastest on such a server: {@link #FILE_COPY} when it runs with
     * {@code fsync = off} (a test server, such as the embedded one), where its two checkpoints
     * cost next to nothing and copying files beats logging every block; {@link #SERVER_DEFAULT}
     * otherwise, where those checkpoints flush to disk.
     */
    AUTO,
    /** No {@code STRATEGY} clause: WAL_LOG on PostgreSQL 15 and later, a file copy before. */
    SERVER_DEFAULT,
    /** Copies block by block through the WAL: no checkpoint. */
    WAL_LOG,
    /** Copies the files between two checkpoints. */
    FILE_COPY;

    /** What {@link #AUTO} means on this server; the others stay as they are. */
    CloneStrategy on(int serverVersionNum, boolean fsync) {
        if (this != AUTO) {
            return this;
        }
        return serverVersionNum >= 150000 && !fsync ? FILE_COPY : SERVER_DEFAULT;
    }

    String clause(int serverVersionNum) {
        if (this == SERVER_DEFAULT || this == AUTO) {
            return "";
        }
        if (serverVersionNum < 150000) {
            throw new IllegalStateException("CloneStrategy." + name() + " needs PostgreSQL 15 or later; this server is "
                    + serverVersionNum / 10000 + ". Use CloneStrategy.AUTO");
        }
        return " STRATEGY " + name();
    }
}
