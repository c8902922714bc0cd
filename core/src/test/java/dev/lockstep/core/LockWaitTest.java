package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runners wait for a held lock, say who holds it, give up on time, and proceed when it goes. */
class LockWaitTest extends SchemaTestBase {


    @BeforeEach
    void writeMigrations() {
        Scenario.write(files);
    }

    LockstepConfiguration engine() {
        return Lockstep.configure().dataSource(schema.dataSource()).locations(files.location())
                .lockKey(schema.lockKey());
    }

    @Test
    void runnersWaitWhileAnOutsideSessionHoldsTheLockAndAllFinishAfterItIsReleased() throws Exception {
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            CountDownLatch allWaiting = new CountDownLatch(Scenario.RUNNERS);
            Set<Integer> waitersSeen = ConcurrentHashMap.newKeySet();
            Set<Integer> holdersReported = ConcurrentHashMap.newKeySet();
            Runners runners = Runners.start(Scenario.RUNNERS, i -> engine()
                    .listener(new LockstepListener() {
                        @Override
                        public void lockWaiting(LockHolder lockHolder, Duration waited) {
                            holdersReported.add(lockHolder.pid());
                            if (waitersSeen.add(i)) {
                                allWaiting.countDown();
                            }
                        }
                    }).load());

            assertThat(allWaiting.await(60, TimeUnit.SECONDS)).as("all runners report waiting").isTrue();
            // The scenario is a time window: nobody may finish while the lock is held.
            assertThat(runners.awaitAnyFinished(Duration.ofSeconds(1))).as("a runner finished while locked").isFalse();
            assertThat(holdersReported).containsExactly(holder.pid());

            holder.release();
            List<Runners.Outcome> outcomes = runners.await(Duration.ofSeconds(60));

            Scenario.assertEachAppliedOnce(schema, outcomes);
        }
    }

    @Test
    void aRunnerWithAShortTimeoutFailsNamingTheHoldersPidAndApplicationName() throws Exception {
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            Lockstep impatient = engine().lockTimeout(Duration.ofMillis(300)).load();

            assertThatThrownBy(impatient::migrate)
                    .isInstanceOfSatisfying(LockTimeoutException.class,
                            e -> assertThat(e.holder().pid()).isEqualTo(holder.pid()))
                    .hasMessageContaining("pid " + holder.pid())
                    .hasMessageContaining(Holder.APPLICATION_NAME)
                    .hasMessageContaining("lockstep.lock.timeout")
                    .hasMessageContaining("SELECT pg_terminate_backend(" + holder.pid() + ")");
            assertThat(Sql.value(schema, "SELECT to_regclass('lockstep_applied_migrations')"))
                    .as("nothing written while waiting").isNull();
        }
    }

    @Test
    void aRestartWithNothingToApplyTakesNoLockAndAnythingPendingWaitsForIt() throws Exception {
        engine().load().migrate();
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            Lockstep impatient = engine().lockTimeout(Duration.ofMillis(200)).load();

            MigrationReport upToDate = impatient.migrate();

            assertThat(upToDate.alreadyApplied()).isEqualTo(5);
            assertThat(upToDate.lockWait()).isZero();
            files.add("0006_more.up.sql", "CREATE TABLE more (id int);");
            assertThatThrownBy(impatient::migrate).isInstanceOf(LockTimeoutException.class);
        }
    }

    @Test
    void aWaiterLeavesWithoutTheLockOnceTheHolderHasAppliedEverything() throws Exception {
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            Runners waiter = startOneWaiting();

            // What the holder would do: apply everything (here under another key, as the lock is taken).
            engine().lockKey(schema.lockKey() + 1).load().migrate();

            Runners.Outcome outcome = waiter.await(Duration.ofSeconds(30)).get(0);
            assertThat(outcome.error()).isNull();
            assertThat(outcome.report().applied()).isEmpty();
            assertThat(outcome.report().alreadyApplied()).isEqualTo(5);
        }
    }

    @Test
    void aWaiterProceedsWhenTheHoldersBackendIsTerminated() throws Exception {
        Holder holder = new Holder(schema, schema.lockKey());
        Runners runner = startOneWaiting();

        terminate(holder.pid());

        Scenario.assertEachAppliedOnce(schema, runner.await(Duration.ofSeconds(30)));
        holder.close();
    }

    @Test
    void aRunnerKilledWhileMigratingLosesTheLockAndTheNextRunnerFinishesTheJob() throws Exception {
        // A pod killed mid-run: its session dies, the session lock with it, and the migration that
        // was in its transaction rolls back. A later runner applies everything.
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        MigrationHook stall = new MigrationHook() {
            @Override
            public boolean appliesTo(Migration migration) {
                return migration.version().is(3);
            }

            @Override
            public void beforeMigration(Migration migration, javax.sql.DataSource dataSource) throws Exception {
                holding.countDown();
                killed.await(30, TimeUnit.SECONDS);
            }
        };
        Runners victim = Runners.start(1, i -> engine().hook(stall).load());
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        int victimPid = (Integer) Sql.value(schema, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                + "AND objid::bigint = " + (schema.lockKey() & 0xFFFF_FFFFL));

        terminate(victimPid);
        killed.countDown();

        assertThat(victim.await(Duration.ofSeconds(30)).get(0).error()).isInstanceOf(LockstepException.class);
        assertThat(Sql.tracker(schema)).containsExactly("1_accounts:applied", "2_email:applied");

        MigrationReport next = engine().load().migrate();

        assertThat(next.applied()).extracting(a -> a.migration().version().toString()).containsExactly("3", "4", "5");
        Scenario.assertMigratedOnce(schema);
    }

    @Test
    void theConnectionGoesBackToThePoolWithoutTheLockAndWithItsApplicationName() throws Exception {
        var pool = schema.pool(1);
        String original;
        try (Connection c = pool.getConnection()) {
            original = (String) Sql.rows(c, "SELECT current_setting('application_name') AS a").get(0).get("a");
        }
        Lockstep lockstep = Lockstep.configure().dataSource(pool).locations(files.location()).load();

        lockstep.migrate();
        assertPooledConnectionIsClean(pool, original);

        files.add("0006_broken.up.sql", "SELECT * FROM no_such_table;");
        assertThatThrownBy(lockstep::migrate).isInstanceOf(MigrationFailedException.class);
        assertPooledConnectionIsClean(pool, original);
    }

    private static void assertPooledConnectionIsClean(javax.sql.DataSource pool, String applicationName)
            throws Exception {
        try (Connection c = pool.getConnection()) {
            assertThat(Sql.rows(c, "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' "
                    + "AND pid = pg_backend_pid()")).containsExactly(Map.of("n", 0L));
            assertThat(Sql.rows(c, "SELECT current_setting('application_name') AS a, "
                    + "current_setting('tcp_keepalives_idle') AS k"))
                    .extracting(r -> r.get("a")).containsExactly(applicationName);
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    /** Starts one runner and returns once it reports waiting for the lock. */
    private Runners startOneWaiting() throws InterruptedException {
        CountDownLatch waiting = new CountDownLatch(1);
        Runners runner = Runners.start(1, i -> engine().listener(new LockstepListener() {
            @Override
            public void lockWaiting(LockHolder lockHolder, Duration waited) {
                waiting.countDown();
            }
        }).load());
        assertThat(waiting.await(30, TimeUnit.SECONDS)).as("the runner reports waiting").isTrue();
        return runner;
    }

    private void terminate(int pid) throws Exception {
        try (Connection admin = TestPostgres.get().connect();
                PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.execute();
        }
    }
}
