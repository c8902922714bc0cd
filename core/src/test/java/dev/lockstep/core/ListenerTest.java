package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListenerTest extends SchemaTestBase {

    @Test
    void listenersHearEveryEventInOrder() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        List<String> events = new CopyOnWriteArrayList<>();

        configure().listener(new Recording(events)).load().migrate();

        assertThat(events).containsExactly("runStarted 2", "lockAcquired", "pendingResolved 2/0",
                "migrationStarted 1/2 a", "migrationApplied a", "migrationStarted 2/2 b", "migrationApplied b",
                "runFinished 2");
    }

    @Test
    void aListenerThatThrowsNeverFailsTheRun() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        LockstepListener broken = new LockstepListener() {
            @Override
            public void migrationApplied(Migration migration, Duration took) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void runFinished(MigrationReport report) {
                throw new IllegalStateException("health store down");
            }
        };
        List<String> events = new CopyOnWriteArrayList<>();

        MigrationReport report = configure().listener(broken).listener(new Recording(events)).load().migrate();

        assertThat(report.applied()).hasSize(1);
        assertThat(events).contains("migrationApplied a", "runFinished 1");
    }

    @Test
    void aFailedMigrationIsHeardAndProgressSaysWhereTheRunStopped() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "SELECT 1 / 0;")
                .add("3_c.up.sql", "CREATE TABLE c (id int);");
        List<String> events = new CopyOnWriteArrayList<>();
        Lockstep lockstep = configure().listener(new Recording(events)).load();

        assertThatThrownBy(lockstep::migrate).isInstanceOf(MigrationFailedException.class);

        assertThat(events).containsSubsequence("pendingResolved 3/0", "migrationApplied a", "migrationStarted 2/3 b",
                "migrationFailed b", "runFailed MigrationFailedException");
        RunProgress.Snapshot progress = lockstep.progress();
        assertThat(progress.phase()).isEqualTo(RunProgress.Phase.FAILED);
        assertThat(progress.applied()).isEqualTo(1);
        assertThat(progress.pending()).isEqualTo(2);
        assertThat(progress.current()).endsWith("2_b.up.sql");
        assertThat(progress.error()).contains("division by zero");
    }

    @Test
    void aCompletedRunCountsEveryAppliedMigration() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        migrate();
        files.add("3_c.up.sql", "CREATE TABLE c (id int);");
        Lockstep lockstep = configure().load();

        lockstep.migrate();

        RunProgress.Snapshot progress = lockstep.progress();
        assertThat(progress.phase()).isEqualTo(RunProgress.Phase.COMPLETED);
        assertThat(progress.applied()).isEqualTo(3);
        assertThat(progress.pending()).isZero();
        assertThat(progress.error()).isNull();
    }

    @Test
    void aLockTimeoutIsHeardAndProgressCountsTheWaitWhileItLasts() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        List<String> events = new CopyOnWriteArrayList<>();
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            Lockstep lockstep = configure().lockKey(schema.lockKey()).lockTimeout(Duration.ofSeconds(2))
                    .listener(new Recording(events)).load();
            CompletableFuture<Void> run = CompletableFuture.runAsync(lockstep::migrate);

            assertThat(Poll.until(Duration.ofSeconds(10), () -> lockstep.progress().lockWait().toMillis() >= 200))
                    .as("the wait grows while it lasts").isTrue();
            assertThat(lockstep.progress().phase()).isEqualTo(RunProgress.Phase.WAITING_FOR_LOCK);

            assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LockTimeoutException.class);
            RunProgress.Snapshot failed = lockstep.progress();
            assertThat(failed.phase()).isEqualTo(RunProgress.Phase.FAILED);
            assertThat(failed.lockWait()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(30));
            assertThat(failed.error()).contains(Holder.APPLICATION_NAME);
        }
        assertThat(events).containsExactly("runStarted 1", "lockFailed", "runFailed LockTimeoutException");
    }

    /**
     * A replica that waited while another applied everything stops waiting without the lock; its
     * wait is still heard (the lock-wait timer's "not-needed" sample).
     */
    @Test
    void aWaiterWhoseWorkAnotherRunnerDidHearsThatItsWaitEnded() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        List<String> events = new CopyOnWriteArrayList<>();
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            Lockstep waiter = configure().lockKey(schema.lockKey()).listener(new Recording(events)).load();
            CompletableFuture<MigrationReport> run = CompletableFuture.supplyAsync(waiter::migrate);
            assertThat(Poll.until(Duration.ofSeconds(10), () -> waiter.progress().lockWait().toMillis() >= 200))
                    .as("the waiter waits behind the holder").isTrue();

            // Another runner (under a lock key of its own) applies everything while the lock stays held.
            configure().lockKey(schema.lockKey() + 1).load().migrate();

            assertThat(run.get(30, TimeUnit.SECONDS).applied()).isEmpty();
        }
        assertThat(events).containsExactly("runStarted 1", "pendingResolved 0/1", "lockNotNeeded", "runFinished 0");
    }

    /**
     * Replicas started together behind one slow migration: every one of them hears how its wait
     * ended (acquired, or not needed because another applied everything), so every wait is timed.
     */
    @Test
    void everyReplicaOfAHerdHearsHowItsWaitEnded() throws Exception {
        files.add("1_slow.up.sql", "SELECT pg_sleep(1); CREATE TABLE slow (id int);");
        int replicas = 4;
        List<List<String>> heard = new ArrayList<>();
        List<CompletableFuture<MigrationReport>> runs = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < replicas; i++) {
            List<String> events = new CopyOnWriteArrayList<>();
            heard.add(events);
            Lockstep replica = configure().lockKey(schema.lockKey()).listener(new Recording(events)).load();
            runs.add(CompletableFuture.supplyAsync(() -> {
                awaitQuietly(start);
                return replica.migrate();
            }, Executors.newSingleThreadExecutor()));
        }
        start.countDown();

        int applied = 0;
        for (CompletableFuture<MigrationReport> run : runs) {
            applied += run.get(60, TimeUnit.SECONDS).applied().size();
        }
        assertThat(applied).isEqualTo(1);
        assertThat(heard).allSatisfy(events -> assertThat(events)
                .filteredOn(e -> e.equals("lockAcquired") || e.equals("lockNotNeeded")).hasSize(1));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A preview is heard too: health shows what would run, and that nothing was applied. */
    @Test
    void aPreviewIsHeardAndProgressSaysWhatWouldRun() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        Lockstep lockstep = configure().load();

        lockstep.preview();

        RunProgress.Snapshot progress = lockstep.progress();
        assertThat(progress.phase()).isEqualTo(RunProgress.Phase.PREVIEWED);
        assertThat(progress.pending()).isEqualTo(2);
        assertThat(progress.applied()).isZero();
    }

    /** The run's last log line: what it applied, out of order too, or that there was nothing to do. */
    @Test
    void theRunsLastLineSaysWhatItDid() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("3_c.up.sql", "CREATE TABLE c (id int);");
        assertThat(ours(LogCapture.during(Lockstep.class, this::migrate))).singleElement().asString()
                .startsWith("INFO Applied 2 migration(s) to ").doesNotContain("out of order").contains("(lock wait ");

        files.add("2_b.up.sql", "CREATE TABLE b (id int);");
        assertThat(ours(LogCapture.during(Lockstep.class, this::migrate))).singleElement().asString()
                .startsWith("INFO Applied 1 migration(s) to ").contains(", 1 out of order, in ");

        assertThat(ours(LogCapture.during(Lockstep.class, this::migrate))).singleElement().asString()
                .startsWith("INFO Schema is up to date: 3 migration(s) already applied in ")
                .contains(", nothing to apply (");
    }

    /** Test classes run two at a time: only the lines about this test's schema. */
    private List<String> ours(List<String> lines) {
        return lines.stream().filter(line -> line.contains(schema.name() + ".")).toList();
    }

    private record Recording(List<String> events) implements LockstepListener {
        @Override
        public void runStarted(List<Migration> onDisk) {
            events.add("runStarted " + onDisk.size());
        }

        @Override
        public void lockAcquired(Duration waited) {
            events.add("lockAcquired");
        }

        @Override
        public void lockNotNeeded(Duration waited) {
            events.add("lockNotNeeded");
        }

        @Override
        public void pendingResolved(List<Migration> pending, int alreadyApplied) {
            events.add("pendingResolved " + pending.size() + "/" + alreadyApplied);
        }

        @Override
        public void migrationStarted(Migration migration, int index, int total) {
            events.add("migrationStarted " + index + "/" + total + " " + migration.name());
        }

        @Override
        public void migrationApplied(Migration migration, Duration took) {
            events.add("migrationApplied " + migration.name());
        }

        @Override
        public void runFinished(MigrationReport report) {
            events.add("runFinished " + report.applied().size());
        }

        @Override
        public void migrationFailed(Migration migration, Duration took, LockstepException error) {
            events.add("migrationFailed " + migration.name());
        }

        @Override
        public void lockFailed(Duration waited, LockstepException error) {
            events.add("lockFailed");
        }

        @Override
        public void runFailed(LockstepException error, Duration took) {
            events.add("runFailed " + error.getClass().getSimpleName());
        }
    }
}
