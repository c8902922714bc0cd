package dev.lockstep.core.internal.jobs;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.BatchedMigration;
import dev.lockstep.core.JobState;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.internal.files.Batched;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.session.ConnectionFailures;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one job's batches on a connection whose session holds the job's lock. Each batch is one
 * transaction: {@code lock_timeout}, the fence (this session still holds the job's lock), the job's
 * row, the batch's bounds from the key's index (keyset: the next {@code size + 1} keys from
 * {@code next_key}, never an {@code OFFSET}), the statement with the bounds filled, the job's new
 * progress, {@code COMMIT}. A worker killed mid-batch loses that batch's transaction and nothing
 * else: the next worker reads {@code next_key} and does the same range again, so every row is done
 * once. Only the job's lock keeps two workers apart: the job's row is read, not locked.
 */
public final class JobWorker {

    private static final System.Logger LOG = System.getLogger(JobWorker.class.getName());
    /** lock_not_available: {@code lock_timeout} cancelled the batch, which then had no effect. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Duration THROTTLE_PAUSE = Duration.ofSeconds(1);

    /** How batches are sized, paced and retried. */
    public record Limits(int batchSize, int minBatchSize, int maxBatchSize, Duration batchDuration, Duration pause,
            Duration lockTimeout, int maxAttempts, Optional<Duration> maxReplicationLag,
            Optional<Integer> maxActiveSessions) {
    }

    /** Why the worker stopped running the job. */
    public enum End {
        /** No key was left: the job is finished. */
        FINISHED,
        /** A batch failed every attempt: the job is failed. */
        FAILED,
        /** The job's row says it is paused, failed or finished (by an operator, or another worker before). */
        NOT_RUNNABLE,
        /** The worker was asked to stop (the application shuts down); the job goes on at the next worker. */
        STOPPED,
        /** The connection died or the lock was lost; the job's row says what committed. */
        LOST
    }

    private final JobTable table;
    private final Connection connection;
    private final HeldLock lock;
    private final Limits limits;
    private final LockstepListener listener;
    private final ClassLoader classLoader;
    /** The job's last key, when it has one ({@link JobTable.Row#lastKey()}). */
    private Optional<Long> lastKey = Optional.empty();
    private final BooleanSupplier stop;
    private final String where;

    /**
     * @param stop asked between batches whether to stop (the application is shutting down)
     * @param where the target, for the log, e.g. {@code public.lockstep_migrations (tenant acme)}
     */
    public JobWorker(JobTable table, Connection connection, HeldLock lock, Limits limits, LockstepListener listener,
            ClassLoader classLoader, BooleanSupplier stop, String where) {
        this.table = table;
        this.connection = connection;
        this.lock = lock;
        this.limits = limits;
        this.listener = listener;
        this.classLoader = classLoader;
        this.stop = stop;
        this.where = where;
    }

    /** The bounds of one batch: keys from {@code from} (inclusive) to {@code to} (exclusive), {@code rows} of them. */
    private record Range(long from, long to, int rows, boolean last) {
        String describe() {
            return "[" + from + ", " + to + ")";
        }
    }

    /** Runs batches until the job ends, is paused, or the worker is stopped. */
    public End run(JobTable.Row start) throws SQLException {
        BatchedJob job = start.job();
        lastKey = start.lastKey();
        BatchSizeTuner tuner = new BatchSizeTuner(job.batches() > 0 ? job.batchSize() : limits.batchSize(),
                limits.minBatchSize(), limits.maxBatchSize(), limits.batchDuration());
        Optional<BatchedMigration> java = start.javaClass().map(this::instantiate);
        LOG.log(Level.INFO, "Running job " + job.describe() + "; in " + where);
        int attempts = 0;
        long nextKey = job.nextKey().orElse(Long.MIN_VALUE);
        while (true) {
            if (stop.getAsBoolean()) {
                LOG.log(Level.INFO, "Stopped job " + job.version() + " " + job.name() + " between two batches: "
                        + job.rowsDone() + " row(s) done; the next worker goes on from "
                        + (nextKey == Long.MIN_VALUE ? "its first key" : "key " + nextKey));
                listener.jobEnded(job);
                return End.STOPPED;
            }
            Optional<String> throttle = throttle();
            if (throttle.isPresent()) {
                listener.jobThrottled(job, throttle.get());
                sleep(THROTTLE_PAUSE);
                continue;
            }
            Range range = null;
            long started = System.nanoTime();
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.setEscapeProcessing(false);
                s.execute("SET LOCAL lock_timeout = '" + limits.lockTimeout().toMillis() + "ms'");
                s.execute(lock.fenceSql());
                Optional<JobTable.Row> row = table.read(connection, job.version(), job.name());
                if (row.isEmpty() || !row.get().job().state().runnable()) {
                    connection.rollback();
                    BatchedJob now = row.map(JobTable.Row::job).orElse(job);
                    LOG.log(Level.INFO, "Job " + job.version() + " " + job.name() + " is " + now.state().label()
                            + (row.isEmpty() ? " (its row is gone: its migration was undone)" : "") + "; its worker stops");
                    listener.jobEnded(now);
                    return End.NOT_RUNNABLE;
                }
                job = row.get().job();
                nextKey = job.nextKey().orElse(Long.MIN_VALUE);
                range = range(s, job, nextKey, tuner.size());
                if (range == null) {
                    s.execute(table.finishedSql(job.version(), job.name()));
                    connection.commit();
                    job = table.read(connection, job.version(), job.name()).map(JobTable.Row::job).orElse(job);
                    LOG.log(Level.INFO, "Finished job " + job.version() + " " + job.name() + " in " + where + ": "
                            + job.rowsDone() + " row(s) in " + job.batches() + " batch(es)");
                    listener.jobEnded(job);
                    return End.FINISHED;
                }
                long rows = java.isPresent() ? java.get().apply(connection, range.from(), range.to())
                        : execute(s, Batched.fill(row.get().statement().orElseThrow(), range.from(), range.to()));
                s.execute(table.progressSql(job.version(), job.name(), range.to(), rows, tuner.size()));
                connection.commit();
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                Instant now = Instant.now();
                job = new BatchedJob(job.version(), job.name(), job.table(), job.key(), JobState.RUNNING,
                        job.rowsDone() + rows, job.estimatedRows(), job.batches() + 1, tuner.size(),
                        Optional.of(range.to()), job.createdAt(), Optional.of(job.startedAt().orElse(now)),
                        Optional.of(now), Optional.empty(), Optional.empty(), job.worker());
                nextKey = range.to();
                attempts = 0;
                tuner.batchTook(took, !range.last());
                listener.jobBatchDone(job, rows, took);
            } catch (SQLException e) {
                rollbackQuietly(e);
                if (HeldLock.isFenceFailure(e) || ConnectionFailures.isConnectionLost(e, connection)) {
                    LOG.log(Level.WARNING, "Job " + job.version() + " " + job.name() + " stopped"
                            + (range == null ? "" : " during its batch " + range.describe()) + ": " + e.getMessage()
                            + ". The batch and its progress commit together, so the job's row says whether it "
                            + "committed; the next worker goes on from there");
                    listener.jobEnded(job);
                    return End.LOST;
                }
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    listener.jobThrottled(job, "lock_timeout");
                    sleep(limits.pause().compareTo(Duration.ofMillis(100)) > 0 ? limits.pause() : Duration.ofMillis(100));
                    continue;
                }
                attempts++;
                String failure = "Batch " + (range == null ? "from key " + nextKey : range.describe()) + " of " + job.key()
                        + " failed: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]";
                if (attempts < limits.maxAttempts()) {
                    LOG.log(Level.WARNING, "Job " + job.version() + " " + job.name() + ": " + failure + "; rolled back, "
                            + "trying again (attempt " + (attempts + 1) + " of " + limits.maxAttempts() + ")");
                    sleep(Duration.ofMillis(200L * attempts));
                    continue;
                }
                return failed(job, failure + " (" + attempts + " attempt(s))\n  Statement: "
                        + start.statement().map(text -> SqlStatement.oneLine(text.strip(), 300))
                                .orElse("class " + start.javaClass().orElse("?")));
            } catch (RuntimeException e) {
                rollbackQuietly(e);
                throw e;
            } finally {
                ConnectionFailures.setAutoCommitQuietly(connection);
            }
            sleep(limits.pause());
        }
    }

    /**
     * The next batch: the {@code size + 1} keys from {@code from}, read along the key's index. With
     * all of them, the batch ends before the last; with fewer, it is the table's last batch and ends
     * after its highest key. Null when no key is left.
     */
    private Range range(Statement s, BatchedJob job, long from, int size) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT min(k), max(k), count(*) FROM (SELECT " + job.key() + " AS k FROM "
                + job.table() + " WHERE " + job.key() + " >= " + from
                + lastKey.map(last -> " AND " + job.key() + " <= " + last).orElse("") + " ORDER BY " + job.key() + " LIMIT "
                + (size + 1) + ") AS batch")) {
            rs.next();
            long count = rs.getLong(3);
            if (count == 0) {
                return null;
            }
            long min = rs.getLong(1);
            long max = rs.getLong(2);
            if (count > size) {
                return new Range(min, max, size, false);
            }
            if (max == Long.MAX_VALUE) {
                throw new LockstepException("Job " + job.version() + " " + job.name() + ": the key " + job.key()
                        + " holds " + Long.MAX_VALUE + ", past which no batch can end; the job cannot do that row");
            }
            return new Range(min, max + 1, (int) count, true);
        }
    }

    private static long execute(Statement s, String sql) throws SQLException {
        boolean resultSet = s.execute(sql);
        long rows = resultSet ? 0 : s.getLargeUpdateCount();
        return Math.max(0, rows);
    }

    /** Writes the failure in a transaction of its own, under the fence. */
    private End failed(BatchedJob job, String failure) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.setEscapeProcessing(false);
            connection.setAutoCommit(false);
            s.execute(lock.fenceSql());
            s.execute(table.failedSql(job.version(), job.name(), failure));
            connection.commit();
        } finally {
            ConnectionFailures.setAutoCommitQuietly(connection);
        }
        LOG.log(Level.ERROR, "Job " + job.version() + " " + job.name() + " in " + where + " failed and stopped: "
                + failure + "\n  The batches before it are done and recorded (" + job.rowsDone() + " row(s)); no later "
                + "batch runs. Fix the cause, then: lockstep-cli retry " + job.version());
        listener.jobEnded(table.read(connection, job.version(), job.name()).map(JobTable.Row::job).orElse(job));
        return End.FAILED;
    }

    /** Why not to run a batch now: replication lag or active sessions past their limit; empty to go on. */
    private Optional<String> throttle() throws SQLException {
        if (limits.maxReplicationLag().isPresent()) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max("
                    + "extract(epoch FROM replay_lag) * 1000), 0)::bigint FROM pg_stat_replication")) {
                rs.next();
                long lagMs = rs.getLong(1);
                if (lagMs > limits.maxReplicationLag().get().toMillis()) {
                    return Optional.of("replication lag " + lagMs + " ms > " + limits.maxReplicationLag().get().toMillis()
                            + " ms");
                }
            }
        }
        if (limits.maxActiveSessions().isPresent()) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM "
                    + "pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' "
                    + "AND pid <> pg_backend_pid()")) {
                rs.next();
                long active = rs.getLong(1);
                if (active > limits.maxActiveSessions().get()) {
                    return Optional.of(active + " active sessions > " + limits.maxActiveSessions().get());
                }
            }
        }
        return Optional.empty();
    }

    private BatchedMigration instantiate(String className) {
        try {
            return (BatchedMigration) Class.forName(className, true, classLoader).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new LockstepException("The batched migration class " + className + " cannot be used: " + e
                    + ". It must be on the class path, implement dev.lockstep.core.BatchedMigration and have a "
                    + "public constructor without arguments", e);
        }
    }

    private void rollbackQuietly(Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private void sleep(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
