package dev.lockstep.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin's goals in a real Maven build of a sample project (src/it/sample, its POM as README.md
 * shows it), against a real PostgreSQL. The build that runs this test put the plugin and
 * lockstep-core into a repository of their own (maven-invoker-plugin's install goal); everything
 * else comes from the user's local repository, read-only.
 */
class MavenPluginIT {

    private static final Path SAMPLE = Path.of(System.getProperty("it.sample", "src/it/sample"));
    private static final Path WORK = Path.of(System.getProperty("it.work", "target/it"));
    private static Path mvn;

    @BeforeAll
    static void maven() {
        String home = System.getProperty("maven.home");
        assumeTrue(home != null && !home.isBlank(), "maven.home is not set: run through mvn verify");
        mvn = Path.of(home, "bin", System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn");
    }

    private record Build(int exitCode, String output) {
    }

    @Test
    void indexAndLintRunInTheBuildAndTheDatabaseGoalsMigrateAsTheCommandLineDoes() throws Exception {
        Path project = copySample("goals");

        Build build = mvn(project, "process-resources");

        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[INFO] Indexed 2 migration file(s) of classpath:db/migrations in "
                + "META-INF/lockstep/index").contains("[INFO] No risky statement in classpath:db/migrations");
        List<String> index = Files.readAllLines(project.resolve("target/classes/META-INF/lockstep/index"));
        assertThat(index.get(0)).isEqualTo("lockstep-index\t2");
        assertThat(index).anySatisfy(line -> assertThat(line).startsWith(
                "file\tdb/migrations/0002_customers_email.up.sql\t").contains("\tno: CREATE INDEX CONCURRENTLY"));

        try (TestSchema schema = TestPostgres.get().newSchema()) {
            String[] database = {"-Dlockstep.url=" + schema.jdbcUrl(), "-Dlockstep.user=" + TestPostgres.get().user(),
                    "-Dlockstep.password=" + TestPostgres.get().password(), "-Dlockstep.schema=" + schema.name()};

            Build pending = mvn(project, concat(List.of("process-resources", "lockstep:validate"), database));
            assertThat(pending.exitCode()).as(pending.output()).isNotZero();
            assertThat(pending.output()).contains("[ERROR]").contains("Validation failed: 2 migration(s) on disk are not applied");

            Build migrated = mvn(project, concat(List.of("process-resources", "lockstep:info", "lockstep:preview",
                    "lockstep:migrate", "lockstep:validate"), database));
            assertThat(migrated.exitCode()).as(migrated.output()).isZero();
            assertThat(migrated.output())
                    .containsPattern("\\[INFO\\] 1 +customers +pending")
                    .contains("[INFO]    line 2: CREATE INDEX CONCURRENTLY customers_email ON customers (email)")
                    .contains("[INFO] Applied migration 2/2 classpath:db/migrations/0002_customers_email.up.sql in ")
                    .contains("[INFO] Applied 2 migration(s) to " + schema.name() + ".lockstep_applied_migrations")
                    .contains("[INFO] Validated 2 applied migration(s) in " + schema.name());

            Build clean = mvn(project, concat(List.of("process-resources", "lockstep:drift", "lockstep:jobs",
                    "lockstep:run-jobs", "lockstep:contract"), database));
            assertThat(clean.exitCode()).as(clean.output()).isZero();
            assertThat(clean.output()).contains("[INFO] No drift in " + schema.name() + ".lockstep_applied_migrations")
                    .contains("[INFO] no batched migration's job").contains("[INFO] no job to run")
                    .contains("[INFO] no expand/contract migration");
            try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE customers ADD COLUMN note text");
            }
            Build drifted = mvn(project, concat(List.of("process-resources", "lockstep:drift",
                    "-Dlockstep.drift.compare-with=replay"), database));
            assertThat(drifted.exitCode()).as(drifted.output()).isNotZero();
            assertThat(drifted.output()).contains("1 object(s) differ from a replay of 2 applied migration(s)")
                    .contains("+ column customers.note text");
        }
    }

    /** With lockstep.tenants the database goals act in each tenant's schema, never in the URL's own. */
    @Test
    void theDatabaseGoalsRunInEachTenantNamed() throws Exception {
        Path project = copySample("tenants");
        try (TestSchema schema = TestPostgres.get().newSchema()) {
            String a = schema.name() + "_a";
            String b = schema.name() + "_b";
            String[] database = {"-Dlockstep.url=" + schema.jdbcUrl(), "-Dlockstep.user=" + TestPostgres.get().user(),
                    "-Dlockstep.password=" + TestPostgres.get().password(), "-Dlockstep.tenants=" + a + "," + b};
            try {
                Build build = mvn(project, concat(List.of("process-resources", "lockstep:migrate", "lockstep:info",
                        "lockstep:validate", "lockstep:drift"), database));

                assertThat(build.exitCode()).as(build.output()).isZero();
                assertThat(build.output()).contains("Fleet maven: 2 tenant(s): 2 migrated (4 migration(s) applied)")
                        .contains("[INFO] Tenant " + b + ":")
                        .contains("[INFO] Validated 2 applied migration(s) in " + b + ".lockstep_applied_migrations")
                        .contains("[INFO] Tenant " + b + ": No drift in " + b + ".lockstep_applied_migrations");
                try (Connection c = schema.connect(); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT to_regclass('lockstep_applied_migrations')")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("nothing in the URL's own schema").isNull();
                }
            } finally {
                try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + a + " CASCADE; DROP SCHEMA IF EXISTS " + b + " CASCADE");
                }
            }
        }
    }

    @Test
    void lintFailsTheBuildOnAnIndexNotConcurrentAndPassesWithTheSuppression() throws Exception {
        Path project = copySample("lint");
        Path risky = project.resolve("src/main/resources/db/migrations/0003_customers_created.up.sql");
        Files.writeString(risky, "CREATE INDEX customers_id_email ON customers (id, email);\n");

        Build failed = mvn(project, "process-resources");

        assertThat(failed.exitCode()).as(failed.output()).isNotZero();
        assertThat(failed.output()).contains("1 risky statement(s) in migrations [classpath:db/migrations]:")
                .contains("classpath:db/migrations/0003_customers_created.up.sql, line 1: index-not-concurrent on "
                        + "customers")
                .contains("add '-- lockstep:lint-ignore=index-not-concurrent' at the top of the file")
                .contains("If it is already applied somewhere (an adopted history, a released file), do not edit it")
                .contains("lockstep.lint.after-version=3");

        Build afterIt = mvn(project, "process-resources", "-Dlockstep.lint.after-version=3");
        assertThat(afterIt.exitCode()).as("the advice for an applied file, followed: " + afterIt.output()).isZero();

        Files.writeString(risky, "-- lockstep:lint-ignore=index-not-concurrent\n" + Files.readString(risky));
        Build passed = mvn(project, "process-resources");

        assertThat(passed.exitCode()).as(passed.output()).isZero();
        assertThat(passed.output()).contains("[INFO] Indexed 3 migration file(s)");
    }

    /**
     * Two sets of files, the application's and its tenants', each in an execution of its own with its
     * own settings, as docs/maven-plugin.md shows: each gets its index, neither overwrites the other.
     */
    @Test
    void anExecutionPerSetOfFilesIndexesEachWithItsOwnSettings() throws Exception {
        Path project = copySample("sets");
        Path tenants = project.resolve("src/main/resources/db/tenants");
        Files.createDirectories(tenants);
        Files.writeString(tenants.resolve("1_accounts.up.sql"), "CREATE TABLE accounts (id int);\n");
        Files.writeString(tenants.resolve("1_notes.up.sql"), "CREATE TABLE notes (id int);\n");
        Path pom = project.resolve("pom.xml");
        String tenantsExecution = """
                  <execution>
                    <id>tenants</id>
                    <goals>
                      <goal>index</goal>
                      <goal>lint</goal>
                    </goals>
                    <configuration>
                      <locations>
                        <location>classpath:db/tenants</location>
                      </locations>
                      <settings>
                        <versions>shared</versions>
                      </settings>
                    </configuration>
                  </execution>
                </executions>""";
        Files.writeString(pom, Files.readString(pom).replace("</executions>", tenantsExecution));

        Build build = mvn(project, "process-resources");

        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[INFO] Indexed 2 migration file(s) of classpath:db/migrations in "
                + "META-INF/lockstep/index").contains("[INFO] Indexed 2 migration file(s) of classpath:db/tenants in "
                + "META-INF/lockstep/index-db.tenants");
        assertThat(project.resolve("target/classes/META-INF/lockstep/index")).exists();

        Files.writeString(pom, Files.readString(pom).replace("<versions>shared</versions>", "<versoins>shared</versoins>"));
        Build typo = mvn(project, "process-resources");
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.output()).contains("<settings> names no setting <versoins> (did you mean <versions>?)");
    }

    private Build mvn(Path project, String... goals) throws IOException, InterruptedException {
        return mvn(project, List.of(goals));
    }

    private Build mvn(Path project, List<String> goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-ntp", "-Dstyle.color=never",
                "-Dmaven.repo.local=" + System.getProperty("it.repo"),
                "-Dmaven.repo.local.tail=" + System.getProperty("it.repo.tail")));
        command.addAll(goals);
        Path log = project.resolve("build-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("mvn " + goals + " did not end within 5 minutes; its output: "
                    + Files.readString(log));
        }
        return new Build(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static List<String> concat(List<String> goals, String[] properties) {
        List<String> all = new ArrayList<>(goals);
        all.addAll(List.of(properties));
        return all;
    }

    /** A fresh copy of the sample project, its POM naming this build's plugin version. */
    private static Path copySample(String name) throws IOException {
        Path target = WORK.resolve(name + "-" + System.nanoTime());
        try (Stream<Path> files = Files.walk(SAMPLE)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(SAMPLE.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Path pom = target.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("@plugin.version@", System.getProperty("plugin.version")));
        return target;
    }
}
