package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three runners in JVMs of their own start together on a server of the test's own, over
 * transactional, non-transactional and {@code CONCURRENTLY} migrations, and each round something
 * breaks at a random moment: a runner is SIGKILLed, the runners' backends are terminated, or the
 * server restarts. After the round, one more start (no operator) must finish everything, and:
 * no migration ran twice, no INVALID index is left with its migration recorded applied, and every
 * failure message a runner printed names its file. {@code lockstep.chaos.rounds} rounds: 3 in the
 * default build, 50 with {@code -Pchaos}. The seed is printed, to replay a round.
 */
class ChaosTest {

    private static final int RUNNERS = 3;
    private static final long LOCK_KEY = 4242;

    @TempDir
    Path data;
    @TempDir
    Path migrations;
    @TempDir
    Path logs;

    private final List<String> disruptions = new ArrayList<>();
    private int failedRunners;
    private int resumedByRunners;
    private int finishedByTheNextStart;

    @Test
    void runnersKilledTerminatedAndRestartedConvergeWithEveryMigrationAppliedOnceAndEveryIndexValid() throws Exception {
        int rounds = Integer.getInteger("lockstep.chaos.rounds", 3);
        long seed = Long.getLong("lockstep.chaos.seed", System.nanoTime());
        System.out.println("ChaosTest: " + rounds + " rounds, -Dlockstep.chaos.seed=" + seed);
        Random random = new Random(seed);
        MigrationDir files = chaosFiles();
        try (OwnServer server = new OwnServer(data, Map.of("max_connections", "60"))) {
            for (int round = 1; round <= rounds; round++) {
                String schema = "round_" + round;
                execute(server, "CREATE SCHEMA " + schema);
                String url = server.url() + "?currentSchema=" + schema;
                List<Process> runners = new ArrayList<>();
                List<Path> outputs = new ArrayList<>();
                for (int i = 0; i < RUNNERS; i++) {
                    Path log = logs.resolve(schema + "-" + i + ".log");
                    outputs.add(log);
                    runners.add(RunnerProcess.start(url, "postgres", "", files.location(), LOCK_KEY, "chaos-" + i,
                            log, "-Xmx128m", "-XX:TieredStopAtLevel=1"));
                }
                Thread.sleep(500 + random.nextInt(2500)); // a random moment of the run is the point of the test
                Process killed = disrupt(server, runners, random);
                for (Process runner : runners) {
                    assertThat(runner.waitFor(3, TimeUnit.MINUTES)).as("runner exits").isTrue();
                }
                for (int i = 0; i < RUNNERS; i++) {
                    List<String> output = Files.readAllLines(outputs.get(i));
                    if (runners.get(i) != killed) {
                        assertFailuresNameTheirFile(output);
                    }
                    failedRunners += output.stream().anyMatch(line -> line.contains("MigrationFailedException")) ? 1 : 0;
                    resumedByRunners += output.stream().anyMatch(line -> line.contains("finishing what an interrupted "
                            + "run left")) ? 1 : 0;
                }
                // The next start, without an operator.
                MigrationReport next = Lockstep.configure().dataSource(dataSource(server, url)).locations(files.location())
                        .lockKey(LOCK_KEY).runnerName("after-" + round).load().migrate();
                finishedByTheNextStart += next.applied().isEmpty() ? 0 : 1;
                assertConverged(server, schema);
            }
        }
        System.out.println("ChaosTest disruptions: " + disruptions + "; runners that failed: " + failedRunners
                + "; runners that finished an interrupted migration: " + resumedByRunners
                + "; rounds the next start had work left: " + finishedByTheNextStart);
    }

    private MigrationDir chaosFiles() {
        return new MigrationDir(migrations)
                .add("1_big.up.sql", "CREATE TABLE runs (migration text);\nCREATE TABLE big (id int, v int, w int);\n"
                        + "INSERT INTO big SELECT g, g % 1000, g FROM generate_series(1, 200000) g;\n"
                        + "INSERT INTO runs VALUES ('1');")
                .add("2_big_v.up.sql", "CREATE INDEX CONCURRENTLY big_v_idx ON big (v);")
                .add("3_note.up.sql", "ALTER TABLE big ADD COLUMN note text;\nINSERT INTO runs VALUES ('3');")
                .add("4_indexes.up.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS big_w_uq ON big (w);\n"
                        + "DROP INDEX CONCURRENTLY IF EXISTS big_v_idx;\n"
                        + "CREATE INDEX CONCURRENTLY big_v_id_idx ON big (v, id);")
                .add("5_notes.up.sql", "UPDATE big SET note = 'n' WHERE id <= 50000;\nINSERT INTO runs VALUES ('5');")
                .add("6_big_note.up.sql", "SET maintenance_work_mem = '32MB';\n"
                        + "CREATE INDEX CONCURRENTLY big_note_idx ON big (note);");
    }

    /**
     * Negative control: the same three runners, in this JVM, with the lock replaced by a no-op and
     * nothing broken: they cannot all succeed and converge, so the checks above can fail.
     */
    @Test
    void withTheLockReplacedByANoOpTheSameRunnersDoNotConverge() throws Exception {
        MigrationDir files = chaosFiles();
        try (OwnServer server = new OwnServer(data, Map.of())) {
            execute(server, "CREATE SCHEMA nolock");
            String url = server.url() + "?currentSchema=nolock";
            List<CompletableFuture<Object>> runs = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < RUNNERS; i++) {
                String name = "nolock-" + i;
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        return TestEngines.withLocks(Lockstep.configure().dataSource(dataSource(server, url))
                                .locations(files.location()).runnerName(name), NoLock.FACTORY).migrate();
                    } catch (InterruptedException | RuntimeException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            boolean allSucceeded = true;
            for (CompletableFuture<Object> run : runs) {
                allSucceeded &= run.get(3, TimeUnit.MINUTES) instanceof MigrationReport;
            }
            boolean converged;
            try {
                assertConverged(server, "nolock");
                converged = true;
            } catch (AssertionError | SQLException e) {
                converged = false;
            }
            assertThat(allSucceeded && converged).as("without the lock, runners fail or migrate twice").isFalse();
        }
    }

    /** One disruption, chosen at random; returns the runner it killed, if it killed one. */
    private Process disrupt(OwnServer server, List<Process> runners, Random random) throws Exception {
        switch (random.nextInt(3)) {
            case 0 -> {
                Process victim = runners.get(random.nextInt(runners.size()));
                victim.destroyForcibly();
                disruptions.add("sigkill");
                return victim;
            }
            case 1 -> {
                execute(server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name LIKE 'lockstep chaos-%'");
                disruptions.add("terminate");
            }
            default -> {
                server.restart();
                disruptions.add("restart");
            }
        }
        return null;
    }

    /** A runner that failed printed its error; an error about a migration names the migration's file. */
    private static void assertFailuresNameTheirFile(List<String> output) {
        for (String line : output) {
            if (line.contains("MigrationFailedException:")) {
                assertThat(line).as("failure names its file").containsPattern("\\d_[a-z_]+\\.up\\.sql");
            }
        }
    }

    private static void assertConverged(OwnServer server, String schema) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("SET search_path = " + schema);
            assertThat(single(s, "SELECT string_agg(version || ':' || state, ',' ORDER BY version) "
                    + "FROM lockstep_applied_migrations")).isEqualTo("1:applied,2:applied,3:applied,4:applied,"
                    + "5:applied,6:applied");
            assertThat(single(s, "SELECT string_agg(migration || 'x' || n, ',' ORDER BY migration) FROM "
                    + "(SELECT migration, count(*) n FROM runs GROUP BY migration) r"))
                    .as("each migration ran once").isEqualTo("1x1,3x1,5x1");
            assertThat(single(s, "SELECT string_agg(c.relname || ':' || i.indisvalid, ',' ORDER BY c.relname) "
                    + "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n "
                    + "ON n.oid = c.relnamespace WHERE n.nspname = '" + schema + "' AND c.relname LIKE 'big%'"))
                    .isEqualTo("big_note_idx:true,big_v_id_idx:true,big_w_uq:true");
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(OwnServer server, String sql) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static javax.sql.DataSource dataSource(OwnServer server, String url) {
        org.postgresql.ds.PGSimpleDataSource dataSource = server.dataSource();
        dataSource.setURL(url);
        return dataSource;
    }
}
