package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as README tells people to run it: java -jar cli/target/lockstep-cli.jar. */
class CliJarIT {

    @TempDir
    Path dir;

    @Test
    void theJarRunsOnItsOwnWithTheDriverInside() throws Exception {
        Path jar = Path.of(System.getProperty("cli.jar"));
        Files.writeString(dir.resolve("1_customers.up.sql"), "CREATE TABLE customers (id bigint PRIMARY KEY);");
        try (TestSchema schema = TestPostgres.get().newSchema()) {
            List<String> args = new ArrayList<>(List.of("migrate"));
            args.addAll(CliProcess.database(schema));
            args.add("--locations=filesystem:" + dir);

            CliProcess.Result result = CliProcess.runJar(jar, dir, args.toArray(String[]::new));

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("[1/1]").contains("Applied 1 migration(s)");
        }
        assertThat(CliProcess.runJar(jar, dir, "--help").out()).contains("Usage: java -jar lockstep-cli.jar");
    }
}
