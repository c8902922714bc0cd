package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 11: a data migration on 1 M and 10 M rows ({@code email_lower = lower(email)}), as one
 * {@code UPDATE} and as a batched migration's job ({@code -- lockstep:batched}, run by
 * {@link Lockstep#runJobs()} with the default tuning), each on an identical table of the same fresh
 * database, while a writer updates random rows of that table one at a time: the total time, and the
 * writer's worst wait (one {@code UPDATE} holds every row it touched until it commits; a batch, only
 * its own). The ratio is the job's time over the {@code UPDATE}'s in the same round.
 */
final class JobScenario implements Scenario {

    static final String TIME = "jobs_ms";
    static final String WAIT = "jobs_writer_wait_ms";
    static final String UPDATE = "one UPDATE";
    static final String BATCHED = "batched job";
    private static final int[] SIZES = {1_000_000, 10_000_000};

    /** What the job's last measured round at each size did, for the report. */
    private final Map<Integer, String> batches = new LinkedHashMap<>();

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public String description() {
        return "a batched migration's job against one UPDATE on 1 M and 10 M rows, with a concurrent writer: total "
                + "time and the writer's worst wait; about ten minutes";
    }

    @Override
    public boolean runsByDefault() {
        return false;
    }

    static String rowName(int rows) {
        return rows / 1_000_000 + " M rows";
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        for (int rows : SIZES) {
            Path dir = Files.createDirectories(run.work().resolve("jobs-" + rows));
            Files.writeString(dir.resolve("1_backfill_email_lower.up.sql"), "-- lockstep:batched table=users_job "
                    + "key=id\nUPDATE users_job SET email_lower = lower(email) WHERE id >= ${batch.from} AND id < "
                    + "${batch.to}");
            MigrationSet set = MigrationSet.lockstepOnly(rowName(rows), 1, dir);
            // 10 M rows: one measured round, no warm-up (each round loads 20 M rows).
            Rounds rounds = rows > 1_000_000 ? new Rounds(run.results(), 1, false) : run.rounds();
            rounds.run(name(), set, (round, recorder) -> {
                String db = run.databases().create();
                try (HikariDataSource pool = run.databases().pool(db, 4)) {
                    load(pool, rows);
                    Writer plain = Writer.start(pool, "users_update", rows);
                    double update = Rounds.millis(() -> execute(pool, "UPDATE users_update SET email_lower = lower(email)"));
                    recorder.add(TIME, set, UPDATE, update);
                    recorder.add(WAIT, set, UPDATE, plain.stop());

                    Lockstep lockstep = Lockstep.configure().dataSource(pool).locations("filesystem:" + dir).load();
                    lockstep.migrate();
                    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
                    AtomicLong longest = new AtomicLong();
                    lockstep.addListener(new LockstepListener() {
                        @Override
                        public void jobBatchDone(BatchedJob job, long done, Duration took) {
                            sizes.add(job.batchSize());
                            longest.accumulateAndGet(took.toMillis(), Math::max);
                        }
                    });
                    Writer batched = Writer.start(pool, "users_job", rows);
                    double job = Rounds.millis(lockstep::runJobs);
                    double wait = batched.stop();
                    BatchedJob done = lockstep.jobs().get(0);
                    if (done.state() != JobState.FINISHED || done.rowsDone() != rows) {
                        throw new IllegalStateException("The job did not finish every row: " + done.describe());
                    }
                    recorder.add(TIME, set, BATCHED, job);
                    recorder.add(WAIT, set, BATCHED, wait);
                    if (round > 0) {
                        batches.put(rows, describe(rows, job, update, sizes, longest.get()));
                    }
                } finally {
                    run.databases().drop(db);
                }
            });
        }
    }

    private static String describe(int rows, double job, double update, List<Integer> sizes, long longest) {
        List<Integer> sorted = new ArrayList<>(sizes);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "- %s: the job %.0f rows/s in %d batches (one UPDATE: %.0f rows/s); batch "
                + "sizes the tuner chose: first %d, median %d, largest %d; longest batch %d ms%n", rowName(rows),
                rows / (job / 1000), sizes.size(), rows / (update / 1000), sizes.isEmpty() ? 0 : sizes.get(0),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
                longest);
    }

    /** Two identical tables: one for the UPDATE, one for the job, vacuumed and analysed. */
    private static void load(HikariDataSource pool, int rows) throws SQLException {
        execute(pool, "CREATE TABLE users_update (id bigint PRIMARY KEY, email text NOT NULL, email_lower text, "
                + "visits int NOT NULL DEFAULT 0)");
        execute(pool, "INSERT INTO users_update (id, email) SELECT i, 'User' || i || '@Example.COM' FROM "
                + "generate_series(1, " + rows + ") i");
        execute(pool, "CREATE TABLE users_job (LIKE users_update INCLUDING ALL)");
        execute(pool, "INSERT INTO users_job SELECT * FROM users_update");
        execute(pool, "VACUUM ANALYZE users_update");
        execute(pool, "VACUUM ANALYZE users_job");
        execute(pool, "CHECKPOINT");
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Updates random rows of a table, one at a time in autocommit, and keeps the longest wait. */
    private static final class Writer {
        private final AtomicBoolean writing = new AtomicBoolean(true);
        private final AtomicLong worstNanos = new AtomicLong();
        private final Thread thread;

        private Writer(HikariDataSource pool, String table, int rows) {
            thread = new Thread(() -> {
                try (Connection c = pool.getConnection();
                        PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET visits = visits + 1 "
                                + "WHERE id = ?")) {
                    while (writing.get()) {
                        update.setLong(1, 1 + ThreadLocalRandom.current().nextInt(rows));
                        long started = System.nanoTime();
                        update.executeUpdate();
                        worstNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "writer-" + table);
            thread.setDaemon(true);
        }

        static Writer start(HikariDataSource pool, String table, int rows) {
            Writer writer = new Writer(pool, table, rows);
            writer.thread.start();
            return writer;
        }

        /** Stops it; returns its longest wait in milliseconds. */
        double stop() throws InterruptedException {
            writing.set(false);
            thread.join();
            return worstNanos.get() / 1e6;
        }
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put(TIME, "11. A data migration on 1 M and 10 M rows: one UPDATE against a batched migration's job, "
                + "with a writer on the same table (ms)");
        titles.put(WAIT, "11b. The writer's worst wait for one of its single-row updates during each (ms)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        Results results = run.results();
        for (int rows : SIZES) {
            String row = rowName(rows);
            targets.atMost("data migration at " + row + ": batched job / one UPDATE ≤ 1.5",
                    results.median(TIME, row, BATCHED) / results.median(TIME, row, UPDATE), 1.5);
            targets.below("data migration at " + row + ": the writer's worst wait during the job, ms < 200",
                    results.median(WAIT, row, BATCHED), 200);
        }
    }

    @Override
    public String section() {
        if (batches.isEmpty()) {
            return "";
        }
        return "## Batched migrations against one UPDATE\n\nEach round: a new database with two identical tables of "
                + "the size, vacuumed and analysed; `UPDATE users_update SET email_lower = lower(email)` timed, then a "
                + "batched migration doing the same to `users_job` (recorded by `migrate()`, its batches run by "
                + "`runJobs()` with the default tuning: a first batch of 100 rows, 100 ms a batch, 10 ms between "
                + "batches), each while one writer updates random rows of that table one at a time.\n\n"
                + String.join("", batches.values()) + "\n";
    }
}
