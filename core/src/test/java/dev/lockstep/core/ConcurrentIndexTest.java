package dev.lockstep.core;

import dev.lockstep.core.internal.lock.AdvisoryLock;
import dev.lockstep.core.internal.lock.RunLock;
import dev.lockstep.core.internal.run.Listeners;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code CREATE INDEX CONCURRENTLY} waits for every transaction holding an older snapshot. Waiters
 * that block inside {@code pg_advisory_lock} hold one, so the holder waits for the waiters and the
 * waiters for the holder (Flyway #1654). Lockstep's waiters poll and sit idle, so the index builds.
 */
class ConcurrentIndexTest extends SchemaTestBase {

    static final int WAITERS = 8;


    @BeforeEach
    void writeMigrations() {
        files.add("1_events.up.sql", """
                        CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL);
                        INSERT INTO events SELECT g, 'kind-' || (g % 50) FROM generate_series(1, 20000) g;
                        """)
                .add("2_events_kind_index.up.sql", "CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);");
    }

    @Test
    void anIndexBuiltConcurrentlyFinishesWhileEightRunnersWaitForTheLock() {
        List<Runners.Outcome> outcomes = holderAndWaiters(false, waitersReady -> (key, timeout, interval, listener) ->
                new AdvisoryLock(key, Duration.ofMinutes(1), Duration.ofSeconds(10), new LockstepListener() {
                    @Override
                    public void lockWaiting(LockHolder holder, Duration waited) {
                        waitersReady.countDown();
                    }
                }));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(outcomes.stream().mapToInt(Runners.Outcome::appliedCount).sum()).isEqualTo(2);
        assertThat(Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass"))
                .isEqualTo(true);
    }

    @Test
    void waitersBlockedInsidePgAdvisoryLockWouldStallTheIndexBuild() {
        // The proof that the test above guards something: swap the waiters' polling lock for a
        // blocking one and the same run no longer completes cleanly.
        List<Runners.Outcome> outcomes =
                holderAndWaiters(true,
                waitersReady -> (key, timeout, interval, listener) -> new BlockingLock(key, waitersReady::countDown));

        // PostgreSQL's deadlock detector breaks the cycle by cancelling one side; without it the
        // run would hang (the holder waits for the waiters' snapshots, they wait for its lock).
        assertThat(outcomes).anySatisfy(o -> assertThat(o.error()).hasStackTraceContaining("deadlock detected"));
    }

    /**
     * One runner takes the lock and, before building the index, waits until eight others are
     * waiting for the lock with the given kind of lock. Returns every runner's outcome.
     */
    private List<Runners.Outcome> holderAndWaiters(boolean waitersBlockInServer,
            java.util.function.Function<CountDownLatch, RunLock.Factory> waiterLock) {
        CountDownLatch holderHasLock = new CountDownLatch(1);
        CountDownLatch waitersReady = new CountDownLatch(WAITERS);
        MigrationHook waitForWaiters = new MigrationHook() {
            @Override
            public boolean appliesTo(Migration migration) {
                return migration.version().is(2);
            }

            @Override
            public void beforeMigration(Migration migration, DataSource dataSource) throws Exception {
                holderHasLock.countDown();
                assertThat(waitersReady.await(30, TimeUnit.SECONDS)).as("eight waiters waiting").isTrue();
                if (waitersBlockInServer) {
                    // pg_advisory_lock reports nothing: poll pg_locks until all eight sessions sit
                    // in it, un-granted, so the index build really starts behind them.
                    assertThat(Poll.until(Duration.ofSeconds(30), () -> blockedWaiters(dataSource) >= WAITERS)).isTrue();
                }
            }
        };
        Runners holder = Runners.start(1, i -> engine().hook(waitForWaiters).load());
        try {
            assertThat(holderHasLock.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Runners waiters = Runners.start(WAITERS,
                i -> TestEngines.withLocks(engine(), waiterLock.apply(waitersReady)));
        List<Runners.Outcome> outcomes = new java.util.ArrayList<>(holder.await(Duration.ofSeconds(30)));
        outcomes.addAll(waiters.await(Duration.ofSeconds(30)));
        return outcomes;
    }

    private long blockedWaiters(DataSource dataSource) throws Exception {
        try (var c = dataSource.getConnection()) {
            return (Long) Sql.rows(c, "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' "
                    + "AND NOT granted AND objid::bigint = " + (schema.lockKey() & 0xFFFF_FFFFL)).get(0).get("n");
        }
    }

    private LockstepConfiguration engine() {
        return Lockstep.configure().dataSource(schema.dataSource()).locations(files.location())
                .lockKey(schema.lockKey());
    }
}
