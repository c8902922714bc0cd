package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged sample, a JPA service with {@code ddl-auto=validate} and a bean that reads the
 * database while the context starts, three processes started at once against one empty database,
 * as three replicas of a deployment would, with default Lockstep settings: all become ready, each
 * migration is applied once, all stop cleanly. The first runs AOT-processed
 * ({@code -Dspring.aot.enabled=true}), as a native image would.
 */
class ThreeProcessesIT {

    private static final Duration READY_DEADLINE = Duration.ofSeconds(120);

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void threeReplicasStartTogetherAndEachMigrationIsAppliedOnce() throws Exception {
        Path jar = Path.of(System.getProperty("sample.jar"));
        assertThat(jar).exists();
        Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
        try (TestSchema schema = TestPostgres.get().newSchema()) {
            List<Integer> ports = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int port = freePort();
                ports.add(port);
                String aot = "-Dspring.aot.enabled=" + (i == 1);
                processes.add(new ProcessBuilder(java(), "-Xmx256m", aot, "-jar", jar.toString(),
                        "--server.port=" + port,
                        "--spring.application.name=sample-" + i,
                        "--spring.datasource.url=" + schema.jdbcUrl(),
                        "--spring.datasource.username=" + TestPostgres.get().user(),
                        "--spring.datasource.password=" + TestPostgres.get().password())
                        .redirectErrorStream(true)
                        .redirectOutput(logs.resolve("sample-" + i + ".log").toFile())
                        .start());
            }

            for (int port : ports) {
                assertThat(awaitReady(port)).as("readiness of the instance on port " + port).isTrue();
            }

            assertThat(trackerVersions(schema)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(distinctAppliers(schema)).as("one replica applied everything").isEqualTo(1);
            long migrators = 0;
            for (int i = 1; i <= 3; i++) {
                if (Files.readString(logs.resolve("sample-" + i + ".log")).contains("Applied 8 migration(s)")) {
                    migrators++;
                }
            }
            assertThat(migrators).as("replicas that logged applying the eight migrations").isEqualTo(1);
            for (int i = 1; i <= 3; i++) {
                assertThat(Files.readString(logs.resolve("sample-" + i + ".log")))
                        .as("the JPA bean that reads at startup, in replica " + i)
                        .contains("Started with 2 customer(s) on file");
            }
            // The batched migration's job: run after the start by one of the three, each row once.
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (!jobFinished(schema) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(jobFinished(schema)).as("the backfill's job finished").isTrue();

            for (Process process : processes) {
                process.destroy();
            }
            for (Process process : processes) {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
                // 143 = 128 + SIGTERM: the JVM's normal exit on a polite stop.
                assertThat(process.exitValue()).isIn(0, 143);
            }
        }
    }

    private static boolean awaitReady(int port) throws InterruptedException {
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (Http.status("http://localhost:" + port + "/actuator/health/readiness") == 200) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return false;
    }

    static List<Long> trackerVersions(TestSchema schema) throws Exception {
        List<Long> versions = new ArrayList<>();
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM lockstep_applied_migrations ORDER BY version")) {
            while (rs.next()) {
                versions.add(rs.getLong(1));
            }
        }
        return versions;
    }

    /** Whether the job of 0008 finished with both customers' rows done, and every customer has its domain. */
    private static boolean jobFinished(TestSchema schema) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT state = 'finished' AND rows_done = 2 AND NOT EXISTS (SELECT 1 FROM "
                        + "customers WHERE email_domain IS DISTINCT FROM split_part(email, '@', 2)) "
                        + "FROM lockstep_applied_migrations_jobs WHERE version = '8'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static int distinctAppliers(TestSchema schema) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(DISTINCT applied_by) FROM lockstep_applied_migrations")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
