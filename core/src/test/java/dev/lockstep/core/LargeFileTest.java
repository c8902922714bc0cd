package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A 50 MB file of single-row INSERTs (what {@code pg_dump --inserts} writes) applies in a JVM with
 * 256 MB of heap, as it does with Flyway: the file is read when it runs, not kept with the others,
 * and its statements go to the server in bounded batches.
 */
@Tag("processes")
class LargeFileTest extends SchemaTestBase {

    private static final int ROWS = 500_000;

    @Test
    void aFiftyMegabyteFileOfInsertsAppliesWithA256MegabyteHeap() throws Exception {
        files.add("1_big.up.sql", "CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL);");
        Path big = files.path().resolve("2_rows.up.sql");
        long bytes = writeInserts(big);
        assertThat(bytes).isGreaterThan(50_000_000L);
        Path log = dir.resolve("runner.log");

        Process runner = RunnerProcess.start(schema, files.location(), "large", log, "-Xmx256m");

        assertThat(runner.waitFor(5, TimeUnit.MINUTES)).as("runner finished").isTrue();
        assertThat(runner.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Sql.count(schema, "SELECT count(*) FROM big")).isEqualTo(ROWS);
        assertThat(Sql.tracker(schema)).containsExactly("1_big:applied", "2_rows:applied");
    }

    private static long writeInserts(Path file) throws IOException {
        String payload = "x".repeat(60);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int id = 1; id <= ROWS; id++) {
                out.write("INSERT INTO big (id, payload) VALUES (" + id + ", '" + payload + "');\n");
            }
        }
        return Files.size(file);
    }
}
