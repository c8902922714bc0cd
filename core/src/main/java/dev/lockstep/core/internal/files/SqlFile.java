package dev.lockstep.core.internal.files;

import dev.lockstep.core.internal.sql.FileProblem;
import java.io.IOException;

/**
 * A {@code .sql} file found in a location, not yet read: it is read when parsed and again when it
 * runs, so no file's bytes are kept for the whole run.
 *
 * @param location the location as configured, e.g. {@code classpath:db/migrations}
 * @param relativePath the path below the location, with {@code /} separators
 * @param content reads the raw bytes
 * @param indexed what the build's index says of it, when the index matches the file; null when it
 *     is read and checked at load
 */
record SqlFile(String location, String relativePath, Content content, MigrationIndex.Entry indexed) {

    SqlFile(String location, String relativePath, Content content) {
        this(location, relativePath, content, null);
    }

    /** Reads the file's bytes, each time anew. */
    @FunctionalInterface
    interface Content {
        byte[] read() throws IOException;
    }

    /** How messages name the file: {@code location/relativePath}. */
    String displayName() {
        return location + "/" + relativePath;
    }

    String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }

    /** @throws FileProblem naming the cause when the file cannot be read */
    byte[] read() {
        try {
            return content.read();
        } catch (IOException e) {
            throw new FileProblem(0, "cannot be read: " + FileErrors.describe(e));
        }
    }
}
