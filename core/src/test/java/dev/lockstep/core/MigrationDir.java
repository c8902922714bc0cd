package dev.lockstep.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A folder of migration files a test writes, used as a {@code filesystem:} location. */
public final class MigrationDir {

    private final Path folder;

    public MigrationDir(Path folder) {
        this.folder = folder;
    }

    public MigrationDir add(String fileName, String sql) {
        try {
            Path file = folder.resolve(fileName);
            Files.createDirectories(file.getParent());
            Files.writeString(file, sql, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(String fileName) {
        try {
            Files.delete(folder.resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String location() {
        return "filesystem:" + folder;
    }

    public Path path() {
        return folder;
    }
}
