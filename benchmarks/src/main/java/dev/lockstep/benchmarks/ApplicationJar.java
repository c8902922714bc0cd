package dev.lockstep.benchmarks;

import dev.lockstep.core.LockstepIndex;
import dev.lockstep.core.VersionsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A migration set the way production ships it: in the application's jar, below
 * {@value #FOLDER}, found through a class loader. Built from a classes directory, as a build
 * does, with an entry for every folder (without them a class loader cannot find the folder, and
 * Lockstep refuses the location), and optionally with the build-time index
 * ({@link LockstepIndex}) that lockstep-maven-plugin would write into that directory first.
 */
final class ApplicationJar {

    static final String FOLDER = "db/migrations";
    static final String LOCATION = "classpath:" + FOLDER;

    private ApplicationJar() {
    }

    /** The set's Lockstep files in {@code dir/classes/db/migrations}, packaged as {@code dir/app.jar}. */
    static Path withoutIndex(Path dir, MigrationSet set) throws IOException {
        return jar(layOut(dir, set), dir.resolve("app.jar"));
    }

    /** As {@link #withoutIndex}, with the index written into the classes directory before it is packaged. */
    static Path withIndex(Path dir, MigrationSet set) throws IOException {
        Path classes = layOut(dir, set);
        LockstepIndex.write(classes, List.of(LOCATION), VersionsMode.UNIQUE);
        return jar(classes, dir.resolve("app.jar"));
    }

    /** Copies the set's Lockstep files into {@code dir/classes/db/migrations}; returns {@code dir/classes}. */
    private static Path layOut(Path dir, MigrationSet set) throws IOException {
        Path classes = dir.resolve("classes");
        Path folder = Files.createDirectories(classes.resolve(FOLDER));
        try (Stream<Path> files = Files.list(set.lockstepDir())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, folder.resolve(file.getFileName().toString()));
            }
        }
        return classes;
    }

    /** Every folder and file below {@code classes}, a folder before what it holds; returns the jar. */
    private static Path jar(Path classes, Path jar) throws IOException {
        try (Stream<Path> paths = Files.walk(classes);
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path path : (Iterable<Path>) paths.sorted()::iterator) {
                if (path.equals(classes)) {
                    continue;
                }
                String name = String.join("/", classes.relativize(path).toString().split("[/\\\\]"));
                if (Files.isDirectory(path)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
