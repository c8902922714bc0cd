package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real-set scenario's floor: one {@code psql} process, one session, every file in Lockstep's
 * order through a driver script of {@code \i} lines, in autocommit (no {@code -1}: a
 * {@code CREATE INDEX CONCURRENTLY} cannot run in a transaction block), stopping at the first
 * error. No tracking, no lock, no session care: what running the files costs and nothing more,
 * the process's start and its connection included, as Lockstep's time includes its connection.
 *
 * @param psql the psql executable found on the PATH
 */
record PsqlFloor(Path psql) {

    /** psql from {@code which psql}; empty when there is none (or no {@code which}). */
    static Optional<PsqlFloor> find() throws InterruptedException {
        try {
            Process which = new ProcessBuilder("which", "psql").redirectErrorStream(true).start();
            String out = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (which.waitFor() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new PsqlFloor(Path.of(out.lines().findFirst().orElseThrow())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What {@code psql --version} says, for the report. */
    String version() throws IOException, InterruptedException {
        Process version = new ProcessBuilder(psql.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        version.waitFor();
        return out;
    }

    /** Writes {@code dir/driver.sql}: an {@code \i} line per file, in the order given. */
    static Path writeDriver(Path dir, List<Path> files) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("-- The real-set files in Lockstep's order (version, then name), for one psql session.");
        for (Path file : files) {
            // psql: a quote inside a single-quoted argument is written twice.
            lines.add("\\i '" + file.toAbsolutePath().toString().replace("'", "''") + "'");
        }
        Path driver = Files.createDirectories(dir).resolve("driver.sql");
        Files.write(driver, lines);
        return driver;
    }

    /** The files a driver {@link #writeDriver} wrote names, in its order. */
    static List<Path> filesOf(Path driver) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String line : Files.readAllLines(driver)) {
            if (line.startsWith("\\i '")) {
                files.add(Path.of(line.substring(4, line.length() - 1).replace("''", "'")));
            }
        }
        return files;
    }

    /**
     * Runs the driver against the database of {@code jdbcUrl}; fails with psql's last lines when it
     * exits with an error.
     */
    void run(Path driver, String jdbcUrl, String user, String password) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(psql.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                Conninfo.of(jdbcUrl, user), "-f", driver.toString()).redirectErrorStream(true);
        if (password != null && !password.isEmpty()) {
            builder.environment().put("PGPASSWORD", password);
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            List<String> lines = out.lines().toList();
            throw new IllegalStateException("psql exited with code " + exit + " on " + driver + ": "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
    }
}
