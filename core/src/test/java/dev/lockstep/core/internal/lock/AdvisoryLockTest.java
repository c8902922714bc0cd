package dev.lockstep.core.internal.lock;

import dev.lockstep.core.Holder;
import dev.lockstep.core.LockHolder;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.LogCapture;
import dev.lockstep.core.Poll;
import dev.lockstep.core.RunStoppedException;
import dev.lockstep.core.SchemaTestBase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The lock on its own, on real sessions: reports while waiting, an interrupted wait, an unlock that finds nothing. */
class AdvisoryLockTest extends SchemaTestBase {

    /** The wait goes on until the lock is free: no other runner finishes the work. */
    private static final RunLock.DoneByOthers<Void> NEEDED = Optional::empty;

    private final List<Duration> reported = new CopyOnWriteArrayList<>();

    private AdvisoryLock lock(Duration timeout, Duration reportInterval) {
        return new AdvisoryLock(schema.lockKey(), timeout, reportInterval, new LockstepListener() {
            @Override
            public void lockWaiting(LockHolder holder, Duration waited) {
                reported.add(waited);
            }
        });
    }

    @Test
    void aWaiterReportsTheHolderEveryReportIntervalAndTakesTheLockOnceFree() throws Exception {
        AdvisoryLock lock = lock(Duration.ofSeconds(30), Duration.ofMillis(200));
        Holder holder = new Holder(schema, schema.lockKey());
        try (Connection waiter = schema.connect()) {
            CompletableFuture<LockAcquisition.Held<Void>> waited = CompletableFuture.supplyAsync(() -> {
                try {
                    return (LockAcquisition.Held<Void>) lock.acquire(waiter, NEEDED, System.nanoTime());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(Poll.until(Duration.ofSeconds(10), () -> reported.size() >= 3)).isTrue();
            holder.close();

            LockAcquisition.Held<Void> held = waited.get(10, TimeUnit.SECONDS);
            Duration took = held.waited();

            assertThat(reported.get(0)).as("the first report comes after a report interval")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200));
            for (int i = 1; i < 3; i++) {
                assertThat(reported.get(i).minus(reported.get(i - 1))).as("report %s after the one before", i)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
            }
            assertThat(took).isGreaterThanOrEqualTo(reported.get(2));
            held.lock().close();
        } finally {
            holder.close();
        }
    }

    @Test
    void anInterruptedWaitStopsNamingTheHolderAndAppliesNothing() throws Exception {
        AdvisoryLock lock = lock(Duration.ofSeconds(60), Duration.ofMillis(100));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        try (Holder holder = new Holder(schema, schema.lockKey()); Connection waiter = schema.connect()) {
            Thread thread = new Thread(() -> {
                try {
                    lock.acquire(waiter, NEEDED, System.nanoTime());
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            thread.start();
            assertThat(Poll.until(Duration.ofSeconds(10), () -> !reported.isEmpty())).isTrue();

            thread.interrupt();
            thread.join(10_000);

            assertThat(outcome.get()).isInstanceOf(RunStoppedException.class)
                    .hasMessageContaining("because the run was interrupted")
                    .hasMessageContaining("held by pid " + holder.pid())
                    .hasMessageContaining("Nothing was applied by this run");
        }
    }

    @Test
    void anUnlockThatFindsTheLockGoneIsLogged() throws Exception {
        AdvisoryLock lock = lock(Duration.ofSeconds(5), Duration.ofSeconds(10));
        try (Connection connection = schema.connect()) {
            HeldLock first = lock.tryAcquire(connection).orElseThrow();
            assertThat(ours(LogCapture.during(AdvisoryLock.class, () -> release(first)))).isEmpty();

            HeldLock second = lock.tryAcquire(connection).orElseThrow();
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
            }
            assertThat(ours(LogCapture.during(AdvisoryLock.class, () -> release(second)))).singleElement()
                    .asString().startsWith("WARNING The migration lock").endsWith("was not held at unlock");
        }
    }

    /** Test classes run two at a time: only the lines about this test's lock key. */
    private List<String> ours(List<String> lines) {
        return lines.stream().filter(line -> line.contains("(key " + schema.lockKey() + ")")).toList();
    }

    private static void release(HeldLock held) {
        try {
            held.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
