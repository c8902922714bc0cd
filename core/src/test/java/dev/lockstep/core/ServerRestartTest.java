package dev.lockstep.core;

import dev.lockstep.core.internal.session.Connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server of its own (embedded, whatever server the other tests use), stopped and
 * started again on the same port and data while runners wait and while one migrates.
 */
class ServerRestartTest {

    @TempDir
    Path data;
    @TempDir
    Path migrations;

    private int port;
    private EmbeddedPostgres server;
    private MigrationDir files;

    @BeforeEach
    void startServer() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        files = new MigrationDir(migrations);
        start();
    }

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private void start() throws IOException {
        server = EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("fsync", "off").start();
    }

    private void restart() throws IOException {
        server.close();
        server = null;
        start();
    }

    private PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL("jdbc:postgresql://localhost:" + port + "/postgres");
        dataSource.setUser("postgres");
        return dataSource;
    }

    private LockstepConfiguration runner(String name) {
        return Lockstep.configure().dataSource(dataSource()).locations(files.location()).runnerName(name)
                .lockTimeout(Duration.ofSeconds(60));
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection()) {
            return ((Number) Sql.rows(c, sql).get(0).values().iterator().next()).longValue();
        }
    }

    private CompletableFuture<Object> migrate(String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner(name).load().migrate();
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    @Test
    void waitersReconnectAndConvergeWhileTheHoldersErrorNamesItsFile() throws Exception {
        files.add("1_slow.up.sql", "SELECT pg_sleep(CASE WHEN current_setting('application_name') LIKE "
                + "'lockstep holder@%' THEN 60 ELSE 0 END);\nCREATE TABLE t (id int);\nINSERT INTO t VALUES (1);");
        CompletableFuture<Object> holder = migrate("holder");
        assertThat(Poll.until(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM pg_stat_activity "
                + "WHERE application_name LIKE 'lockstep holder@%' AND query LIKE '%pg_sleep%'") > 0)).isTrue();
        List<CompletableFuture<Object>> waiters = List.of(migrate("waiter-1"), migrate("waiter-2"), migrate("waiter-3"));
        assertThat(Poll.until(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM pg_stat_activity "
                + "WHERE application_name LIKE 'lockstep waiter-%'") == 3)).as("three waiters wait").isTrue();

        restart();

        Object holderOutcome = holder.get(60, TimeUnit.SECONDS);
        assertThat(holderOutcome).isInstanceOf(MigrationFailedException.class);
        assertThat(((Exception) holderOutcome).getMessage()).contains("1_slow.up.sql failed at line 1")
                .contains("connection to PostgreSQL was lost");
        int applied = 0;
        for (CompletableFuture<Object> waiter : waiters) {
            Object outcome = waiter.get(60, TimeUnit.SECONDS);
            assertThat(outcome).as("a waiter's outcome").isInstanceOf(MigrationReport.class);
            applied += ((MigrationReport) outcome).applied().size();
        }
        assertThat(applied).as("applied once among the waiters").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM t")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM lockstep_applied_migrations WHERE state = 'applied'")).isEqualTo(1);
    }

    @Test
    void aStartWithConnectRetriesWaitsForTheDatabaseToComeUp() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        server.close();
        server = null;
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(() -> LogCapture.during(Connector.class,
                lines, () -> runner("late").connectRetries(30).connectRetriesInterval(Duration.ofSeconds(1)).load()
                        .migrate()));
        assertThat(Poll.until(Duration.ofSeconds(30), () -> lines.stream().filter(line -> line.contains(":" + port + " "))
                .count() >= 2)).as("two tries failed").isTrue();

        start();

        // Test classes run two at a time: only the lines about this server.
        List<String> log = run.get(60, TimeUnit.SECONDS).stream().filter(line -> line.contains(":" + port + " ")).toList();
        assertThat(log).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("WARNING Could not connect to "
                + "the database (try ").contains("of 31").doesNotContain("\tat "));
        assertThat(count("SELECT count(*) FROM lockstep_applied_migrations")).isEqualTo(1);
    }

    @Test
    void withoutConnectRetriesAStartFailsAtOnceNamingTheSetting() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        server.close();
        server = null;

        Exception failure = (Exception) migrate("early").get(30, TimeUnit.SECONDS);

        assertThat(failure).isInstanceOf(LockstepException.class)
                .hasMessageContaining("Could not connect to the database")
                .hasMessageContaining("set lockstep.connect-retries");
        start();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(s.execute("SELECT 1")).isTrue();
        }
    }

    /**
     * The server restarts while a concurrent build waits for a writer: the error names the file,
     * the line, the lost connection and the INVALID index; the next start drops it and builds the
     * index, without an operator.
     */
    @Test
    void aServerRestartedDuringAConcurrentBuildIsReportedAndTheNextStartFinishesTheBuild() throws Exception {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id int, v int); INSERT INTO big SELECT g, g FROM generate_series(1, 10000) g");
        }
        files.add("1_big_v_idx.up.sql", "CREATE INDEX CONCURRENTLY big_v_idx ON big (v);");
        Connection writer = dataSource().getConnection();
        writer.setAutoCommit(false);
        try (Statement s = writer.createStatement()) {
            s.execute("INSERT INTO big VALUES (0, 0)");
        }
        CompletableFuture<Object> holder = migrate("holder");
        assertThat(Poll.until(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM pg_index "
                + "WHERE indexrelid = to_regclass('big_v_idx') AND NOT indisvalid") == 1)).isTrue();

        restart();

        Object outcome = holder.get(60, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(MigrationFailedException.class);
        assertThat(((Exception) outcome).getMessage()).contains("1_big_v_idx.up.sql failed at line 1")
                .contains("The connection to PostgreSQL was lost").contains("the INVALID index big_v_idx")
                .contains("the next start finishes it by itself");
        writer.abort(Runnable::run);

        assertThat(((MigrationReport) migrate("next").get(60, TimeUnit.SECONDS)).applied()).hasSize(1);
        assertThat(count("SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('big_v_idx') AND indisvalid"))
                .isEqualTo(1);
    }

    /** A long non-transactional file cut by a restart: what took effect is said, and its row stays running. */
    @Test
    void aServerRestartedDuringALongNonTransactionalFileLeavesItsRowRunningWithTheFix() throws Exception {
        files.add("1_long.up.sql", "-- lockstep:transaction=false\nCREATE TABLE a (id int);\n"
                + "SELECT pg_sleep(60);\nCREATE TABLE b (id int);\n");
        CompletableFuture<Object> holder = migrate("holder");
        assertThat(Poll.until(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM pg_stat_activity "
                + "WHERE application_name LIKE 'lockstep holder@%' AND query LIKE 'SELECT pg_sleep%'") > 0)).isTrue();

        restart();

        Object outcome = holder.get(60, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(MigrationFailedException.class);
        assertThat(((Exception) outcome).getMessage()).contains("1_long.up.sql failed at line 3")
                .contains("[SQLState ").contains("The connection to PostgreSQL was lost")
                .contains("the statements before the failure took effect").contains("stays 'running'")
                .doesNotContain("This connection has been closed");
        Object next = migrate("next").get(60, TimeUnit.SECONDS);
        assertThat(next).isInstanceOf(LockstepException.class);
        assertThat(((Exception) next).getMessage()).contains("Migration 1_long was interrupted")
                .contains("lockstep-cli mark-done");
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b')")).isEqualTo(1);
    }
}
