package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the packaged sample while it waits for the lock or while it migrates: the process
 * ends promptly with one line that says what happened, no stack trace, and nothing half-recorded.
 */
class ShutdownIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path migrations;

    private Process process;
    private Path log;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermWhileWaitingForTheLockEndsWithOneLineAndNoStackTrace() throws Exception {
        try (TestSchema schema = TestPostgres.get().newSchema(); Connection holder = schema.connect()) {
            try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, schema.lockKey());
                lock.execute();
            }
            start(schema, "classpath:db/migrations", "--lockstep.lock.key=" + schema.lockKey(),
                    "--lockstep.lock.report-interval=1s");
            await(() -> logContains("Waiting for the migration lock"));

            process.destroy();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            String output = Files.readString(log);
            assertThat(output).contains("Lockstep stopped because the application is shutting down: "
                    + "Stopped waiting for the migration lock");
            assertThat(output).doesNotContain("\tat ").doesNotContain("Error starting ApplicationContext")
                    .doesNotContain("APPLICATION FAILED TO START");
        }
    }

    @Test
    void sigtermDuringAMigrationFinishesItRecordsItAndStopsBeforeTheNext() throws Exception {
        Files.writeString(migrations.resolve("1_slow.up.sql"),
                "CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\n");
        Files.writeString(migrations.resolve("2_next.up.sql"), "CREATE TABLE next_one (id int);\n");
        try (TestSchema schema = TestPostgres.get().newSchema()) {
            start(schema, "filesystem:" + migrations);
            await(() -> sleeping(schema));

            process.destroy();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            String output = Files.readString(log);
            assertThat(output).contains("Lockstep stopped because the application is shutting down: "
                    + "Stopped before").contains("2_next.up.sql").contains("1 of 2 pending migration(s) applied");
            assertThat(output).doesNotContain("\tat ").doesNotContain("Error starting ApplicationContext");
            assertThat(ThreeProcessesIT.trackerVersions(schema)).containsExactly(1L);
        }
    }

    private void start(TestSchema schema, String location, String... more) throws IOException {
        log = Files.createDirectories(Path.of("target", "e2e-logs")).resolve("shutdown-" + schema.name() + ".log");
        List<String> command = new ArrayList<>(List.of(ThreeProcessesIT.java(), "-Xmx256m", "-jar", System.getProperty("sample.jar"),
                "--server.port=0", "--spring.jpa.hibernate.ddl-auto=none",
                "--spring.datasource.url=" + schema.jdbcUrl(),
                "--spring.datasource.username=" + TestPostgres.get().user(),
                "--spring.datasource.password=" + TestPostgres.get().password(),
                "--lockstep.locations=" + location));
        command.addAll(List.of(more));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private boolean logContains(String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sleeping(TestSchema schema) {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' "
                        + "AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (Exception e) {
            return false;
        }
    }

    private void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(process.isAlive()).as("the sample is still running (see " + log + ")").isTrue();
            assertThat(System.nanoTime() - deadline).as("waited past the deadline").isNegative();
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
