package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged sample run as a migration job ({@code lockstep.exit-after-run}): it migrates and
 * exits on its own, with a status a Kubernetes Job reads.
 */
class ExitAfterRunIT {

    @Test
    void theApplicationMigratesAndExitsWithStatusZero() throws Exception {
        try (TestSchema schema = TestPostgres.get().newSchema()) {
            Path log = Files.createDirectories(Path.of("target", "e2e-logs")).resolve("exit-" + schema.name() + ".log");
            Process process = new ProcessBuilder(List.of(ThreeProcessesIT.java(), "-Xmx256m", "-jar",
                    System.getProperty("sample.jar"), "--spring.main.web-application-type=none",
                    "--lockstep.exit-after-run=true", "--spring.jpa.hibernate.ddl-auto=none",
                    "--spring.datasource.url=" + schema.jdbcUrl(),
                    "--spring.datasource.username=" + TestPostgres.get().user(),
                    "--spring.datasource.password=" + TestPostgres.get().password()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("exited on its own").isTrue();
                assertThat(process.exitValue()).as(Files.readString(log)).isZero();
            } finally {
                process.destroyForcibly();
            }
            assertThat(Files.readString(log)).contains("lockstep.exit-after-run: the startup run ended (completed");
            try (Connection c = schema.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM lockstep_applied_migrations")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(8);
            }
        }
    }
}
