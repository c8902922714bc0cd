package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lock-queue protection on a real PostgreSQL. A session holds a lock on a table (an open
 * transaction that read it, as a long report would) while a migration alters it. ACCESS
 * EXCLUSIVE waits for that reader, and every later query on the table waits behind the ALTER:
 * the outage this guards against.
 */
class LockQueueProtectionTest extends SchemaTestBase {

    private static final Duration LOCK_TIMEOUT = Duration.ofMillis(200);

    private final ExecutorService background = Executors.newCachedThreadPool();
    private final Map<Connection, Integer> pids = new ConcurrentHashMap<>();

    @BeforeEach
    void accounts() {
        Sql.execute(schema, "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL);"
                + "INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 1000) g");
    }

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    /** Both halves in one test, so the numbers compare like with like. */
    @Test
    void queriesOnTheTableKeepCompletingWhileTheMigrationRetriesAndQueueBehindItWithoutTheProtection()
            throws Exception {
        files.add("1_add_note.up.sql", "ALTER TABLE accounts /* " + marker() + " */ ADD COLUMN note text;");

        // Without the protection: a read issued while the ALTER waits queues behind it until the blocker ends.
        double queuedMillis;
        try (Connection blocker = openTransactionReading("accounts")) {
            Future<MigrationReport> migration = background.submit(() -> configure().ddlLockTimeout(Duration.ZERO)
                    .load().migrate());
            assertThat(Poll.until(Duration.ofSeconds(30), this::alterWaitsForItsLock)).isTrue();
            try (Connection reader = schema.connect()) {
                int readerPid = pid(reader);
                long started = System.nanoTime();
                Future<?> read = background.submit(() -> {
                    read(reader);
                    return null;
                });
                assertThat(Poll.until(Duration.ofSeconds(30), () -> waitsForALock(readerPid)))
                        .as("the read queues behind the waiting ALTER").isTrue();
                // It waits as long as the blocker lasts; here until it has waited 1 s by the server's clock.
                assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.value(schema, "SELECT now() - query_start "
                        + "> interval '1 s' FROM pg_stat_activity WHERE pid = " + readerPid).equals(true))).isTrue();
                assertThat(read).isNotDone();
                blocker.commit();
                read.get(30, TimeUnit.SECONDS);
                queuedMillis = (System.nanoTime() - started) / 1e6;
            }
            assertThat(migration.get(30, TimeUnit.SECONDS).applied()).hasSize(1);
        }

        // With it: the ALTER gives up its place in the queue every LOCK_TIMEOUT, and reads get through.
        Sql.execute(schema, "DROP TABLE lockstep_applied_migrations; ALTER TABLE accounts DROP COLUMN note");
        Retries retries = new Retries();
        List<Double> readMillis;
        Future<MigrationReport> migration;
        try (Connection blocker = openTransactionReading("accounts"); Connection reader = schema.connect()) {
            int blockerPid = pids.get(blocker);
            migration = background.submit(() -> configure().ddlLockTimeout(LOCK_TIMEOUT)
                    .ddlMaxWait(Duration.ofMinutes(2)).listener(retries).load().migrate());
            retries.await(1);
            // Reads one after another while the migration is cancelled and retried three more times.
            AtomicBoolean reading = new AtomicBoolean(true);
            Future<List<Double>> reads = background.submit(() -> {
                List<Double> millis = new ArrayList<>();
                while (reading.get()) {
                    long started = System.nanoTime();
                    read(reader);
                    millis.add((System.nanoTime() - started) / 1e6);
                }
                return millis;
            });
            retries.await(3);
            reading.set(false);
            readMillis = reads.get(60, TimeUnit.SECONDS);
            assertThat(migration).as("still retrying: the blocker holds its lock").isNotDone();
            BlockedOn seen = retries.lastBlockedOn();
            assertThat(seen).as("what the cancelled attempts waited for").isNotNull();
            assertThat(seen.relation()).isEqualTo("accounts");
            assertThat(seen.mode()).isEqualTo("AccessExclusiveLock");
            assertThat(seen.blockers()).anySatisfy(b -> {
                assertThat(b.pid()).isEqualTo(blockerPid);
                assertThat(b.state()).isEqualTo("idle in transaction");
                assertThat(b.query()).contains("long report");
            });
            blocker.commit();
        }
        assertThat(migration.get(60, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(Sql.value(schema, "SELECT count(*) FROM information_schema.columns WHERE table_schema = '"
                + schema.name() + "' AND table_name = 'accounts' AND column_name = 'note'")).isEqualTo(1L);

        List<Double> sorted = new ArrayList<>(readMillis);
        Collections.sort(sorted);
        int n = sorted.size();
        System.out.printf("Lock-queue protection: lock_timeout %d ms. With it, %d reads while the migration was "
                + "cancelled and retried 3 times: median %.1f ms, p99 %.1f ms, max %.1f ms. Without it, a read queued "
                + "behind the waiting ALTER for %.0f ms, until the test ended the blocker%n", LOCK_TIMEOUT.toMillis(),
                n, sorted.get(n / 2), sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)), sorted.get(n - 1),
                queuedMillis);
        assertThat(n).as("reads completed while the blocker held its lock").isGreaterThan(0);
    }

    @Test
    void pastMaxWaitTheRunFailsNamingTheBlockersPidAndQueryAndRecordsNothing() throws Exception {
        files.add("1_add_note.up.sql", "ALTER TABLE accounts ADD COLUMN note text;");
        try (Connection blocker = openTransactionReading("accounts")) {
            int blockerPid = pids.get(blocker);

            assertThatThrownBy(() -> configure().ddlLockTimeout(Duration.ofMillis(100))
                    .ddlMaxWait(Duration.ofMillis(1500)).load().migrate())
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("1_add_note.up.sql could not get its lock within lockstep.ddl.max-wait")
                    .hasMessageContaining("AccessExclusiveLock on accounts")
                    .hasMessageContaining("pid " + blockerPid)
                    .hasMessageContaining("idle in transaction")
                    .hasMessageContaining("long report")
                    .hasMessageContaining("pg_terminate_backend(" + blockerPid + ")")
                    .hasMessageContaining("nothing was recorded");
        }
        assertThat(Sql.tracker(schema)).isEmpty();
        assertThat(Sql.value(schema, "SELECT count(*) FROM information_schema.columns WHERE table_schema = '"
                + schema.name() + "' AND table_name = 'accounts' AND column_name = 'note'")).isEqualTo(0L);
    }

    @Test
    void outsideATransactionOnlyTheCancelledStatementRunsAgain() throws Exception {
        files.add("1_two_steps.up.sql", "-- lockstep:transaction=false\n"
                + "CREATE TABLE audit (id int);\n"
                + "ALTER TABLE accounts ADD COLUMN note text;\n");
        Retries retries = new Retries();
        Future<MigrationReport> migration;
        try (Connection blocker = openTransactionReading("accounts")) {
            migration = background.submit(() -> configure().ddlLockTimeout(LOCK_TIMEOUT)
                    .ddlMaxWait(Duration.ofMinutes(2)).listener(retries).load().migrate());
            retries.await(2);
            assertThat(Sql.tracker(schema)).containsExactly("1_two_steps:running");
            blocker.commit();
        }
        // CREATE TABLE audit ran once: run again, it would have failed with "already exists".
        assertThat(migration.get(60, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(Sql.tracker(schema)).containsExactly("1_two_steps:applied");
    }

    /**
     * {@code VACUUM FULL} takes ACCESS EXCLUSIVE, so it runs under the lock timeout like any DDL; when
     * cancelled it is tried again (a vacuum changes no data or definition), not reported as work
     * that may have committed in steps.
     */
    @Test
    void aVacuumFullCancelledByTheLockTimeoutIsTriedAgainUntilTheReaderEnds() throws Exception {
        files.add("1_vacuum.up.sql", "VACUUM (ANALYZE, VERBOSE, FULL) accounts;");
        Retries retries = new Retries();
        Future<MigrationReport> migration;
        try (Connection blocker = openTransactionReading("accounts")) {
            migration = background.submit(() -> configure().ddlLockTimeout(LOCK_TIMEOUT)
                    .ddlMaxWait(Duration.ofMinutes(2)).listener(retries).load().migrate());
            retries.await(2);
            assertThat(migration).isNotDone();
            blocker.commit();
        }
        assertThat(migration.get(60, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(Sql.tracker(schema)).containsExactly("1_vacuum:applied");
    }

    /**
     * A {@code CREATE INDEX CONCURRENTLY} waits for older transactions by design, and cancelling
     * it half-way leaves an INVALID index: it runs without the lock timeout, and waits.
     */
    @Test
    void anIndexBuiltConcurrentlyWaitsForAnOldTransactionInsteadOfBeingCancelled() throws Exception {
        files.add("1_balance_index.up.sql", "CREATE INDEX CONCURRENTLY accounts_balance_idx /* " + marker()
                + " */ ON accounts (balance);");
        Retries retries = new Retries();
        Future<MigrationReport> migration;
        try (Connection old = schema.connect(); Statement s = old.createStatement()) {
            int oldPid = pid(old);
            old.setAutoCommit(false);
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.executeQuery("SELECT 1").close(); // takes the snapshot the index build must wait out
            migration = background.submit(() -> configure().ddlLockTimeout(Duration.ofMillis(100))
                    .ddlMaxWait(Duration.ofMinutes(2)).listener(retries).load().migrate());
            // Five lock timeouts into its wait, by the server's clock: a timed-out build would have failed by now.
            assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.value(schema, "SELECT count(*) FROM "
                    + "pg_stat_activity WHERE query LIKE '%" + marker() + "%' AND query NOT LIKE '%pg_stat_activity%' "
                    + "AND wait_event_type = 'Lock' AND now() - query_start > interval '500 ms'").equals(1L)))
                    .isTrue();
            assertThat(migration).isNotDone();
            assertThat(Poll.until(Duration.ofSeconds(30), () -> retries.waitingFor(oldPid)))
                    .as("the wait is reported with the old transaction's pid").isTrue();
            old.commit();
        }
        assertThat(migration.get(60, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(retries.count()).isZero();
        assertThat(Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_balance_idx'::regclass"))
                .isEqualTo(true);
    }

    /**
     * An open transaction that read the table: it holds ACCESS SHARE on it until it ends. Its pid
     * is read first, so that its last query stays the report.
     */
    private Connection openTransactionReading(String table) throws SQLException {
        Connection c = schema.connect();
        pids.put(c, pid(c));
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM " + table + " /* long report */").close();
        }
        return c;
    }

    private boolean alterWaitsForItsLock() {
        return Sql.value(schema, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%" + marker()
                + "%' AND query NOT LIKE '%pg_stat_activity%' AND wait_event_type = 'Lock'").equals(1L);
    }

    private boolean waitsForALock(int pid) {
        return "Lock".equals(Sql.value(schema, "SELECT wait_event_type FROM pg_stat_activity WHERE pid = " + pid));
    }

    private String marker() {
        return "lqp_" + schema.name();
    }

    private static void read(Connection reader) throws SQLException {
        try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery("SELECT sum(balance) FROM accounts")) {
            rs.next();
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The retries a run reported, to wait on. */
    private static final class Retries implements LockstepListener {
        private final BlockingQueue<BlockedOn> seen = new LinkedBlockingQueue<>();
        private final List<BlockedOn> all = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
                BlockedOn blockedOn) {
            all.add(blockedOn);
            seen.add(blockedOn == null ? new BlockedOn("none", null, "none", List.of()) : blockedOn);
        }

        void await(int count) throws InterruptedException {
            for (int i = 0; i < count; i++) {
                assertThat(seen.poll(60, TimeUnit.SECONDS)).as("retry " + (i + 1)).isNotNull();
            }
        }

        private final List<BlockedOn> waits = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void migrationWaiting(Migration migration, BlockedOn blockedOn, Duration waited) {
            waits.add(blockedOn);
        }

        boolean waitingFor(int pid) {
            synchronized (waits) {
                return waits.stream().anyMatch(w -> w.blockers().stream().anyMatch(b -> b.pid() == pid));
            }
        }

        int count() {
            return all.size();
        }

        BlockedOn lastBlockedOn() {
            synchronized (all) {
                for (int i = all.size() - 1; i >= 0; i--) {
                    if (all.get(i) != null) {
                        return all.get(i);
                    }
                }
                return null;
            }
        }
    }
}
