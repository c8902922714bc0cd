package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batched migration's job run by several replicas' workers, each a JVM of its own ({@link JobProcess}):
 * every row is updated exactly once (a trigger counts the updates) across {@code kill -9}s of the
 * worker mid-batch and a takeover by another process; with two, then four processes, one worker runs
 * at a time; and with the job's lock replaced by a no-op, rows are updated twice, which is what the
 * lock prevents. A writer on the same rows during the job waits about a batch at most (recorded).
 */
@Tag("processes")
class BatchedJobWorkersTest extends SchemaTestBase {

    private static final int ROWS = 3_000;

    @TempDir
    Path work;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void tableWithCountingTrigger() {
        files.add("1_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0, touched int "
                + "NOT NULL DEFAULT 0);\n"
                + "INSERT INTO items (id) SELECT generate_series(1, " + ROWS + ");\n"
                + "CREATE TABLE updates (id bigint NOT NULL, pid int NOT NULL, xid bigint NOT NULL, "
                + "at timestamptz NOT NULL);\n"
                // Each update of n by the job is counted, with the session and transaction that made it; a
                // sleep per row makes batches long enough for a kill to land inside one.
                + "CREATE FUNCTION count_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.n <> OLD.n THEN INSERT INTO updates VALUES (NEW.id, pg_backend_pid(), txid_current(), "
                + "clock_timestamp()); PERFORM pg_sleep(0.0002); END IF; RETURN NEW; END $$;\n"
                + "CREATE TRIGGER count_update BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION count_update()");
        files.add("2_backfill.up.sql", "-- lockstep:batched table=items key=id\n"
                + "UPDATE items SET n = n + 1 WHERE id >= ${batch.from} AND id < ${batch.to}");
        migrate();
    }

    private Process worker(String name, Path gate, boolean lock) throws Exception {
        Process process = JobProcess.start(schema, files.location(), name, gate, lock, work.resolve(name + ".log"));
        started.add(process);
        return process;
    }

    private void awaitReady(String... names) throws Exception {
        assertThat(Poll.until(Duration.ofSeconds(60), () -> {
            for (String name : names) {
                Path log = work.resolve(name + ".log");
                if (!Files.exists(log) || !Files.readString(log).contains("ready")) {
                    return false;
                }
            }
            return true;
        })).as(() -> "the workers started; their logs:\n" + logs()).isTrue();
    }

    private String logs() {
        StringBuilder all = new StringBuilder();
        try (var paths = Files.list(work)) {
            for (Path log : paths.filter(p -> p.toString().endsWith(".log")).toList()) {
                all.append(log.getFileName()).append(":\n").append(Files.readString(log)).append('\n');
            }
        } catch (java.io.IOException e) {
            all.append(e);
        }
        return all.toString();
    }

    private void awaitAll(Duration deadline) throws Exception {
        for (Process process : started) {
            if (!process.waitFor(deadline.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("a worker did not finish within " + deadline);
            }
        }
        started.clear();
    }

    /** Runs {@code count} workers released together, to the end of the job. */
    private void runTogether(int count, boolean lock) throws Exception {
        Path gate = work.resolve("gate-" + count + "-" + lock);
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = "worker" + i + "_" + schema.name();
            worker(names[i], gate, lock);
        }
        awaitReady(names);
        Files.createFile(gate);
        awaitAll(Duration.ofMinutes(3));
    }

    private long rowsUpdatedOtherThanOnce() {
        return Sql.count(schema, "SELECT count(*) FROM items i WHERE (SELECT count(*) FROM updates u WHERE u.id = i.id) <> 1");
    }

    /** Pairs of batches (transactions) by different sessions whose first and last update overlap in time. */
    private long overlappingBatchesOfDifferentWorkers() {
        return Sql.count(schema, "WITH batch AS (SELECT xid, pid, min(at) AS first, max(at) AS last FROM updates "
                + "GROUP BY xid, pid) SELECT count(*) FROM batch a JOIN batch b ON a.xid < b.xid AND a.pid <> b.pid "
                + "AND a.first <= b.last AND b.first <= a.last");
    }

    private BatchedJob job() {
        return configure().load().jobs().get(0);
    }

    @Test
    void everyRowIsUpdatedOnceAcrossKillsMidBatchAndTakeovers() throws Exception {
        KilledRunnerTest.assumeConnectionCheck();
        Path gate = Files.createFile(work.resolve("open"));
        for (int kill = 1; kill <= 3; kill++) {
            String name = "victim" + kill + "_" + schema.name();
            Process victim = worker(name, gate, true);
            long before = job().rowsDone();
            // Inside a batch: its session is running the update, and the job moved on since the last kill.
            assertThat(Poll.until(Duration.ofSeconds(60), () -> job().rowsDone() > before && Sql.count(schema,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'lockstep jobs " + name
                            + "@%' AND state = 'active' AND query LIKE 'UPDATE items%'") > 0))
                    .as("worker " + kill + " is inside a batch").isTrue();
            victim.destroyForcibly();
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            started.remove(victim);
        }
        assertThat(job().state()).isEqualTo(JobState.RUNNING);
        assertThat(job().rowsDone()).isLessThan(ROWS);

        worker("taker_" + schema.name(), gate, true);
        awaitAll(Duration.ofMinutes(3));

        assertThat(job().state()).isEqualTo(JobState.FINISHED);
        assertThat(job().rowsDone()).isEqualTo(ROWS);
        assertThat(rowsUpdatedOtherThanOnce()).as("rows updated other than exactly once").isZero();
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n = 1")).isEqualTo(ROWS);
    }

    @Test
    void twoThenFourProcessesRunOneWorkerAtATime() throws Exception {
        runTogether(2, true);
        assertThat(job().state()).isEqualTo(JobState.FINISHED);
        assertThat(rowsUpdatedOtherThanOnce()).isZero();
        assertThat(overlappingBatchesOfDifferentWorkers()).isZero();
        assertThat(Sql.count(schema, "SELECT count(DISTINCT pid) FROM updates")).isGreaterThanOrEqualTo(1);

        files.add("3_backfill_again.up.sql", "-- lockstep:batched table=items key=id\n"
                + "UPDATE items SET n = n + 1 WHERE id >= ${batch.from} AND id < ${batch.to}");
        migrate();
        Sql.execute(schema, "TRUNCATE updates");
        runTogether(4, true);
        assertThat(configure().load().jobs()).allMatch(j -> j.state() == JobState.FINISHED);
        assertThat(rowsUpdatedOtherThanOnce()).isZero();
        assertThat(overlappingBatchesOfDifferentWorkers()).isZero();
        assertThat(Sql.count(schema, "SELECT count(*) FROM items WHERE n = 2")).isEqualTo(ROWS);
    }

    /** The negative control: the same two workers with the job's lock replaced by a lock that locks nothing. */
    @Test
    void withoutTheJobsLockRowsAreUpdatedTwice() throws Exception {
        runTogether(2, false);
        assertThat(rowsUpdatedOtherThanOnce()).as("rows updated other than exactly once without the lock")
                .isPositive();
        assertThat(overlappingBatchesOfDifferentWorkers()).isPositive();
    }

    /**
     * A writer updating random rows while the job runs waits for a batch's row locks at most about a
     * batch's duration: recorded here (and in the benchmarks), not timed, as tests never time.
     */
    @Test
    void aWriterOnTheSameRowsWaitsAboutABatchAtMost() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong worstMicros = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = schema.connect();
                    PreparedStatement update = c.prepareStatement("UPDATE items SET touched = touched + 1 WHERE id = ?")) {
                while (writing.get()) {
                    update.setLong(1, 1 + ThreadLocalRandom.current().nextInt(ROWS));
                    long t0 = System.nanoTime();
                    update.executeUpdate();
                    worstMicros.accumulateAndGet((System.nanoTime() - t0) / 1_000, Math::max);
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Lockstep lockstep = configure().set(LockstepSettings.JOBS_BATCH_DURATION, Duration.ofMillis(100)).load();
        lockstep.runJobs();
        writing.set(false);
        writer.join(30_000);

        assertThat(lockstep.jobs().get(0).state()).isEqualTo(JobState.FINISHED);
        assertThat(writes.get()).as("the writer wrote during the job").isPositive();
        assertThat(Sql.count(schema, "SELECT sum(touched) FROM items")).isEqualTo(writes.get());
        assertThat(rowsUpdatedOtherThanOnce()).isZero();
        Map<String, Object> batches = Sql.rows(schema, "SELECT count(DISTINCT xid) AS batches, "
                + "max(span) AS longest_ms FROM (SELECT xid, extract(epoch FROM max(at) - min(at)) * 1000 AS span "
                + "FROM updates GROUP BY xid) b").get(0);
        System.out.println("Writer during the job: " + writes.get() + " updates, worst wait " + worstMicros.get() / 1000
                + " ms; the job's batches: " + batches + " (target 100 ms, jobs.lock-timeout 1 s)");
    }
}
