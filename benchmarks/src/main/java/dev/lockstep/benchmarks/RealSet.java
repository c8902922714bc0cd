package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real-set shape ({@link RealSetFiles} writes its SQL): {@value #FILES} files named
 * {@code <date>_<name>.up.sql}, several to a date, so Lockstep runs it with
 * {@code versions=shared}.
 *
 * @param dir the folder holding the files, for {@code filesystem:} and nothing else
 * @param files in Lockstep's order: version, then name
 */
record RealSet(Path dir, List<File> files) {

    static final int FILES = 432;

    /** One file; its name is {@code <version>_<name>.up.sql}. */
    record File(long version, String name, String sql, boolean concurrently) {

        String fileName() {
            return version + "_" + name + ".up.sql";
        }
    }

    /** Writes the set below {@code root}; the same files every time. */
    static RealSet write(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("realset").resolve("migrations"));
        List<File> files = RealSetFiles.generate(FILES);
        for (File file : files) {
            Files.writeString(dir.resolve(file.fileName()), file.sql());
        }
        return new RealSet(dir, files);
    }

    /** The set as the results name it: a row of the fresh-apply table. */
    MigrationSet set() {
        return MigrationSet.lockstepOnly(files.size() + " files", files.size(), dir);
    }

    /** Each file's text by file name: what tells a migration's own statements from Lockstep's. */
    Map<String, String> texts() {
        Map<String, String> texts = new LinkedHashMap<>();
        files.forEach(file -> texts.put(file.fileName(), file.sql()));
        return texts;
    }

    long concurrently() {
        return files.stream().filter(File::concurrently).count();
    }

    long versions() {
        return files.stream().mapToLong(File::version).distinct().count();
    }
}
