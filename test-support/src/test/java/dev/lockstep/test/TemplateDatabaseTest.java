package dev.lockstep.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates on a real PostgreSQL. Each build of a template creates a role named after this test
 * (roles belong to the whole server, so they outlive a rebuilt template): counting them counts
 * builds.
 */
class TemplateDatabaseTest {

    private static final DatabaseServer SERVER = DatabaseServer.forTests();

    @TempDir
    Path dir;

    private final String builds = "tpl_build_" + ProcessHandle.current().pid() + "_"
            + Math.abs(ThreadLocalRandom.current().nextInt());
    private final List<String> templates = new ArrayList<>();

    @BeforeEach
    void migrations() throws Exception {
        Files.writeString(dir.resolve("1_note.up.sql"), "CREATE TABLE note (id int PRIMARY KEY, text text);\n"
                + "DO $$BEGIN EXECUTE format('CREATE ROLE %I NOLOGIN', '" + builds + "_' || txid_current()); END$$;\n"
                // Long enough that every builder asks while the first is still building.
                + "SELECT pg_sleep(0.3);\n");
    }

    @AfterEach
    void dropWhatTheTestBuilt() throws SQLException {
        for (String role : strings("SELECT rolname FROM pg_roles WHERE rolname LIKE '" + builds + "%'")) {
            execute("DROP ROLE " + role);
        }
        for (String template : templates) {
            if (!strings("SELECT datname FROM pg_database WHERE datname = '" + template + "'").isEmpty()) {
                execute("ALTER DATABASE " + template + " WITH IS_TEMPLATE false");
                execute("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
            }
        }
    }

    @Test
    void twoProcessesAndEightThreadsAskingAtOnceBuildTheTemplateOnce() throws Exception {
        TemplateDatabase.Identity id = builder().identify();
        templates.add(id.name());
        List<Process> forks = new ArrayList<>();
        List<Future<String>> threads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Connection holder = SERVER.connect(); Statement s = holder.createStatement()) {
            // Everyone queues behind this session, so all ten ask while the template does not exist yet.
            s.execute("SELECT pg_advisory_lock(" + id.lockKey() + ")");
            for (int i = 0; i < 2; i++) {
                forks.add(TemplateBuilderProcess.start(SERVER, location(), 0, dir.resolve("fork" + i + ".log")));
            }
            for (int i = 0; i < 8; i++) {
                threads.add(pool.submit(() -> {
                    try (ClonedDatabase clone = builder().build().newClone()) {
                        return clone.name();
                    }
                }));
            }
            awaitWaiters(id.lockKey(), 10);
            s.execute("SELECT pg_advisory_unlock(" + id.lockKey() + ")");
        }
        for (Future<String> thread : threads) {
            assertThat(thread.get(2, TimeUnit.MINUTES)).startsWith("lockstep_clone_");
        }
        pool.shutdown();
        for (int i = 0; i < forks.size(); i++) {
            assertThat(forks.get(i).waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(forks.get(i).exitValue()).as(Files.readString(dir.resolve("fork" + i + ".log"))).isZero();
        }
        assertThat(buildCount()).isEqualTo(1);
    }

    /** The proof that the lock is what makes it once: without it, eight threads build over each other. */
    @Test
    void withoutTheLockEightThreadsBuildTheTemplateMoreThanOnceOrFail() throws Exception {
        TemplateDatabase.Identity id = builder().identify();
        templates.add(id.name());
        CyclicBarrier together = new CyclicBarrier(8);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread thread = new Thread(() -> {
                try {
                    together.await();
                    TemplateCatalog.ensureTemplate(id.server(), id.name(), id.lockKey(), id.family(), id.migrate(),
                            false);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }

        assertThat(buildCount() > 1 || !failures.isEmpty())
                .as("builds %d, failures %s", buildCount(), failures).isTrue();
    }

    @Test
    void aChangedFileBuildsANewTemplateAndTheReplacedOneIsDropped() throws Exception {
        TemplateDatabase first = builder().build();
        templates.add(first.name());
        Files.writeString(dir.resolve("2_more.up.sql"), "ALTER TABLE note ADD COLUMN at timestamptz;");

        TemplateDatabase second = builder().build();
        templates.add(second.name());

        assertThat(second.name()).isNotEqualTo(first.name());
        assertThat(buildCount()).isEqualTo(2);
        assertThat(strings("SELECT datname FROM pg_database WHERE datname = '" + first.name() + "'")).isEmpty();
        try (ClonedDatabase clone = second.newClone(); Connection c = clone.connect()) {
            assertThat(strings(c, "SELECT column_name FROM information_schema.columns WHERE table_name = 'note'"))
                    .contains("at");
        }
        assertThat(builder().build().name()).as("unchanged: found, not built").isEqualTo(second.name());
        assertThat(buildCount()).isEqualTo(2);
    }

    @Test
    void clonesAreIndependentOfEachOther() throws Exception {
        TemplateDatabase template = builder().build();
        templates.add(template.name());

        try (ClonedDatabase one = template.newClone(); ClonedDatabase two = template.newClone();
                Connection a = one.connect(); Connection b = two.connect(); Statement sa = a.createStatement()) {
            sa.execute("INSERT INTO note VALUES (1, 'only in one')");

            assertThat(strings(a, "SELECT text FROM note")).containsExactly("only in one");
            assertThat(strings(b, "SELECT text FROM note")).isEmpty();
            assertThat(strings(b, "SELECT state FROM lockstep_applied_migrations")).containsExactly("applied");
        }
    }

    @Test
    void aClosedCloneIsDroppedEvenWithSessionsStillOnIt() throws Exception {
        TemplateDatabase template = builder().build();
        templates.add(template.name());
        ClonedDatabase clone = template.newClone();
        try (Connection left = clone.connect()) {
            clone.close();

            assertThat(strings("SELECT datname FROM pg_database WHERE datname = '" + clone.name() + "'")).isEmpty();
        }
    }

    /** Without a pool: these tests count clones and drop templates, with nothing made behind their back. */
    private TemplateDatabase.Builder builder() {
        return TemplateDatabase.builder().server(SERVER).locations(location()).poolSize(0);
    }

    private String location() {
        return "filesystem:" + dir;
    }

    private long buildCount() throws SQLException {
        return strings("SELECT rolname FROM pg_roles WHERE rolname LIKE '" + builds + "%'").size();
    }

    /** Until {@code count} sessions wait for the advisory lock {@code key}. */
    private static void awaitWaiters(long key, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String waiting = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = "
                + (key >>> 32) + " AND objid = " + (key & 0xFFFFFFFFL) + " AND objsubid = 1";
        while (strings(waiting).size() < count) {
            assertThat(System.nanoTime()).as("%d sessions waiting for the template lock", count).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = SERVER.connect()) {
            return strings(c, sql);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = SERVER.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
