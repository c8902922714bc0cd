package dev.lockstep.core;

/**
 * A {@code .sql} file found in a location, not yet parsed.
 *
 * @param location the location as configured, e.g. {@code classpath:db/migrations}
 * @param relativePath the path below the location, with {@code /} separators
 * @param content the raw bytes
 */
record SqlFile(String location, String relativePath, byte[] content) {

    /** How messages name the file: {@code location/relativePath}. */
    String displayName() {
        return location + "/" + relativePath;
    }

    String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }
}
