package dev.lockstep.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clones made ahead of time, on a real PostgreSQL. */
class ClonePoolTest {

    private static final DatabaseServer SERVER = DatabaseServer.forTests();
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private TemplateDatabase template;

    @BeforeEach
    void migrations() throws Exception {
        Files.writeString(dir.resolve("1_note.up.sql"), "CREATE TABLE note (id int PRIMARY KEY, text text);\n");
    }

    @AfterEach
    void dropTheTemplate() throws SQLException {
        if (template != null) {
            template.closePool();
            execute("ALTER DATABASE " + template.name() + " WITH IS_TEMPLATE false");
            execute("DROP DATABASE IF EXISTS " + template.name() + " WITH (FORCE)");
        }
    }

    @Test
    void aTestTakesACloneMadeBeforeItAskedAndAnotherIsMadeBehindIt() throws Exception {
        template = builder().poolSize(2).build();
        template.fillPool();
        List<String> ready = clonesOf(template);
        assertThat(ready).hasSize(2);

        String takenName;
        try (ClonedDatabase taken = template.newClone(); Connection c = taken.connect();
                Statement s = c.createStatement()) {
            takenName = taken.name();
            assertThat(ready).as("taken from the pool, not cloned when asked").contains(taken.name());
            s.execute("INSERT INTO note VALUES (1, 'migrated')");
            await(() -> clonesOf(template).size() == 3, "the pool to make a clone behind the one taken");
        }
        assertThat(clonesOf(template)).hasSize(2).doesNotContain(takenName);
    }

    @Test
    void withoutAPoolACloneIsMadeWhenAskedAndNoneAhead() throws Exception {
        template = builder().poolSize(0).build();
        template.fillPool();
        assertThat(clonesOf(template)).isEmpty();

        try (ClonedDatabase taken = template.newClone()) {
            assertThat(clonesOf(template)).containsExactly(taken.name());
        }
    }

    /** The guard is the shutdown hook: without it the fork's ready clones would outlive it. */
    @Test
    void clonesNoTestTookAreDroppedWhenTheJvmExits() throws Exception {
        template = builder().poolSize(0).build(); // the same template the fork builds, dropped after the test
        Path log = dir.resolve("fork.log");
        Process fork = TemplateBuilderProcess.start(SERVER, "filesystem:" + dir, 3, log);

        assertThat(fork.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(fork.exitValue()).as(output).isZero();
        assertThat(output).as("the fork had its pool's clones on the server").containsPattern(
                "clones of this process at exit: \\[(lockstep_clone_\\w+, ){2}lockstep_clone_\\w+\\]");
        assertThat(TemplateBuilderProcess.clonesOf(SERVER, fork.pid())).isEmpty();
    }

    @Test
    void aBadPoolSizeNamesThePropertyAndWhatToGive() {
        System.setProperty(ClonePool.SIZE_PROPERTY, "two");
        try {
            assertThatThrownBy(ClonePool::configuredSize).hasMessageContaining("System property lockstep.test.pool-size")
                    .hasMessageContaining("'two'").hasMessageContaining("e.g. 2, or 0");
        } finally {
            System.clearProperty(ClonePool.SIZE_PROPERTY);
        }
    }

    private TemplateDatabase.Builder builder() {
        return TemplateDatabase.builder().server(SERVER).locations("filesystem:" + dir);
    }

    /** This JVM's clones of the template. */
    private static List<String> clonesOf(TemplateDatabase template) {
        try {
            String prefix = "lockstep_clone_" + template.name().substring("lockstep_tpl_".length(), 21) + "_" + PID + "_";
            return TemplateBuilderProcess.clonesOf(SERVER, PID).stream().filter(name -> name.startsWith(prefix))
                    .toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = SERVER.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
