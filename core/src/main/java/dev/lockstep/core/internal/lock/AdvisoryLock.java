package dev.lockstep.core.internal.lock;

import dev.lockstep.core.LockHolder;
import dev.lockstep.core.LockTimeoutException;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.RunStoppedException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL session advisory lock, taken on the run's pinned connection.
 *
 * <p>How it waits, and why:
 * <ol>
 *   <li>{@code SELECT pg_try_advisory_lock(key)} in autocommit. It never blocks, so a waiter holds
 *       no snapshot and no open transaction. A waiter blocked inside {@code pg_advisory_lock} would
 *       hold a snapshot, and the holder's {@code CREATE INDEX CONCURRENTLY} waits for every
 *       snapshot to go away: both would wait forever.</li>
 *   <li>If it is taken, sleep a jittered back-off (so a herd of replicas does not poll in step)
 *       and try again. Between tries the connection is idle. The back-off is a twentieth of the
 *       time waited so far, from 5 ms to 1 s: a release is noticed within about 5 % of the wait,
 *       and a long wait costs at most one cheap query a second.</li>
 *   <li>After a second of waiting and then every report interval, ask {@code pg_locks} joined with
 *       {@code pg_stat_activity} who holds it, on the same connection: the wait never needs a
 *       second connection, so a pool smaller than the number of runners cannot starve it.</li>
 *   <li>Between tries, ask whether the wait is still needed: when the holder has applied
 *       everything, a waiter has nothing left to do and leaves without the lock, so a herd of
 *       replicas does not queue up for it one by one.</li>
 *   <li>Past the timeout, fail with an error that names the holder.</li>
 * </ol>
 * A session lock dies with its session: a killed pod cannot leave it behind. It is taken twice
 * (session advisory locks count), so that the held lock's fence can release one hold and take it
 * back without ever letting go of the lock.
 */
public final class AdvisoryLock implements RunLock {

    private static final System.Logger LOG = System.getLogger(AdvisoryLock.class.getName());
    /** The pause between tries grows with the time waited, so the delay after a release stays near 5 % of it. */
    private static final long MIN_BACKOFF_MS = 5;
    private static final Duration FIRST_REPORT = Duration.ofSeconds(1);
    private static final long MAX_BACKOFF_MS = 1_000;

    private static final String HOLDER_SQL = "SELECT a.pid, a.application_name, host(a.client_addr), a.backend_start "
            + "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
            + "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            + "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            + "AND l.classid::bigint = ? AND l.objid::bigint = ? "
            + "AND l.pid <> pg_backend_pid()";

    private final long key;
    private final Duration timeout;
    private final Duration reportInterval;
    private final LockstepListener listener;

    public AdvisoryLock(long key, Duration timeout, Duration reportInterval, LockstepListener listener) {
        this.key = key;
        this.timeout = timeout;
        this.reportInterval = reportInterval;
        this.listener = listener;
    }

    @Override
    public <T> LockAcquisition<T> acquire(Connection connection, DoneByOthers<T> doneByOthers, long waitStartedNanos)
            throws SQLException {
        long started = waitStartedNanos;
        long deadline = started + timeout.toNanos();
        // A wait shorter than a second (a herd behind a quick run) is not worth a diagnostics query.
        long nextReport = started + Math.min(FIRST_REPORT.toNanos(), reportInterval.toNanos());
        Optional<LockHolder> holder = Optional.empty();
        while (true) {
            if (tryLock(connection)) {
                return new LockAcquisition.Held<>(new Hold(connection), Duration.ofNanos(System.nanoTime() - started));
            }
            Optional<T> done = doneByOthers.check();
            if (done.isPresent()) {
                return new LockAcquisition.NotNeeded<>(done.get());
            }
            long now = System.nanoTime();
            if (now - nextReport >= 0) {
                holder = holder(connection, holder);
                Duration waited = Duration.ofNanos(now - started);
                LOG.log(Level.INFO, "Waiting for the migration lock (key {0}) for {1} ms: held by {2}", String.valueOf(key),
                        String.valueOf(waited.toMillis()),
                        holder.map(LockHolder::describe).orElse("a session that just released it"));
                listener.lockWaiting(holder.orElse(null), waited);
                nextReport = now + reportInterval.toNanos();
            }
            if (now - deadline >= 0) {
                holder = holder(connection, holder);
                throw timeout(holder, Duration.ofNanos(now - started));
            }
            long backoffMs = Math.max(MIN_BACKOFF_MS, Math.min(MAX_BACKOFF_MS, (now - started) / 20_000_000));
            try {
                Thread.sleep(Math.min(jitter(backoffMs), Math.max(1, (deadline - now) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunStoppedException("Stopped waiting for the migration lock (key " + key + ") after "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms because the run was interrupted"
                        + holder.map(h -> "; it was held by " + h.describe()).orElse("")
                        + ". Nothing was applied by this run.");
            }
        }
    }

    @Override
    public Optional<HeldLock> tryAcquire(Connection connection) throws SQLException {
        return tryLock(connection) ? Optional.of(new Hold(connection)) : Optional.empty();
    }

    /**
     * Takes the lock twice when it is free (session advisory locks count), so that the fence can
     * release one hold and take it back without ever letting go of the lock.
     */
    private boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT CASE WHEN pg_try_advisory_lock(?) THEN pg_try_advisory_lock(?) ELSE false END")) {
            s.setLong(1, key);
            s.setLong(2, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Who holds the lock now; keeps the first-seen time when it is the same holder as before. */
    private Optional<LockHolder> holder(Connection connection, Optional<LockHolder> previous) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(HOLDER_SQL)) {
            s.setLong(1, key >>> 32);
            s.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int pid = rs.getInt(1);
                Timestamp backendStart = rs.getTimestamp(4);
                Instant since = previous.filter(p -> p.pid() == pid).map(LockHolder::since).orElse(Instant.now());
                return Optional.of(new LockHolder(pid, rs.getString(2), rs.getString(3),
                        backendStart == null ? null : backendStart.toInstant(), since));
            }
        }
    }

    private LockTimeoutException timeout(Optional<LockHolder> holder, Duration waited) {
        String who = holder.map(LockHolder::describe).orElse("a session that released it just as Lockstep gave up");
        return new LockTimeoutException("Gave up waiting for the migration lock (advisory lock key " + key + ") after "
                + waited.toMillis() + " ms (lockstep.lock.timeout=" + timeout + "). It is held by " + who
                + ". If that session is another replica migrating, give it time or raise lockstep.lock.timeout; "
                + "if it is stuck, end it with SELECT pg_terminate_backend("
                + holder.map(h -> String.valueOf(h.pid())).orElse("<pid>") + ").", holder.orElse(null), waited);
    }

    private static long jitter(long backoffMs) {
        return backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
    }

    /** The lock, held twice by one session. */
    private final class Hold implements HeldLock {
        private final Connection connection;

        Hold(Connection connection) {
            this.connection = connection;
        }

        /**
         * Releases one of the two holds and takes it again: both succeed only while this session
         * holds the lock, the other hold keeps it held in between, and it costs no more than
         * {@code SELECT 1} (unlike reading {@code pg_locks}, which copies the server's whole lock
         * table). When the lock is gone ({@code pg_advisory_unlock_all()}, a pooler's other server
         * session) the cast of the marker text fails the statement, and with it the migration's
         * transaction.
         */
        @Override
        public String fenceSql() {
            return "SELECT COALESCE(CASE WHEN pg_advisory_unlock(" + key + ") THEN CASE WHEN pg_try_advisory_lock("
                    + key + ") THEN '1' END END, '" + FENCE_MARKER + " this session no longer holds the migration lock "
                    + "(advisory lock key " + key + ")')::int";
        }

        /** Releases both holds. */
        @Override
        public void close() throws SQLException {
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?), pg_advisory_unlock(?)")) {
                s.setLong(1, key);
                s.setLong(2, key);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1) || !rs.getBoolean(2)) {
                        // Not held: the session was replaced under us. Nothing can leak, but it is worth a look.
                        LOG.log(Level.WARNING, "The migration lock (key {0}) was not held at unlock", String.valueOf(key));
                    }
                }
            }
        }
    }
}
