package dev.lockstep.core.internal.files;

/**
 * A {@code .sql} file a scan found below a location, with what tells it apart from the file a
 * build indexed without reading it: its size and, in a folder, its time, in a jar, its CRC-32 (the
 * jar's directory holds it; a jar's times are rewritten by every repackaging).
 *
 * @param relativePath the path below the location, with {@code /} separators
 */
record Found(String relativePath, long size, long modified, long crc, SqlFile.Content content) {

    static final long NO_CRC = -1;
    static final long NO_TIME = -1;

    /** The file, to be read and checked as it is. */
    SqlFile unindexed(String location) {
        return new SqlFile(location, relativePath, content, null);
    }

    /** The file, known by its index entry: read only if it runs. */
    SqlFile indexed(String location, MigrationIndex.Entry entry) {
        return new SqlFile(location, relativePath, content, entry);
    }
}
