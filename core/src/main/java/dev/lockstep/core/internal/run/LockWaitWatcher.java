package dev.lockstep.core.internal.run;

import dev.lockstep.core.BlockedOn;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.Migration;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Looks, from a session of its own, at what the pinned session's statement is waiting for, so a
 * lock timeout can name the table, the lock mode and the blocking sessions, and so health and the
 * log show a wait that no timeout ends (a {@code CREATE INDEX CONCURRENTLY} waiting for an old
 * transaction). A statement that waits cannot be asked anything on its own connection, and once it
 * is cancelled the wait is gone from {@code pg_locks}: the look has to happen during the wait,
 * from outside.
 *
 * <p>Only a migration that runs longer than one look's interval makes it open a connection, so
 * most runs never do. It never holds up a migration: it runs on its own daemon thread, and if it
 * cannot connect (a pool with no connection to spare) the errors simply name no blocker.
 */
final class LockWaitWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LockWaitWatcher.class.getName());
    private static final String LOOK = "SELECT w.locktype, w.relation::regclass::text, w.mode, b.pid, "
            + "b.application_name, b.state, b.query_start, left(regexp_replace(b.query, '\\s+', ' ', 'g'), 200) "
            + "FROM pg_locks w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid) "
            + "JOIN pg_stat_activity b ON b.pid = blocker.pid WHERE w.pid = ? AND NOT w.granted ORDER BY b.pid";

    private final DataSource dataSource;
    private final int watchedPid;
    private final LockstepListener listener;
    private final Duration reportInterval;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lockstep lock-wait watcher");
        thread.setDaemon(true);
        return thread;
    });
    /** Used on the timer thread only. */
    private Connection connection;
    private boolean unavailable;
    private volatile boolean closed;
    private volatile BlockedOn lastSeen;
    private volatile Migration current;
    private ScheduledFuture<?> looking;
    /** Timer thread only: the wait being seen, since when, and when it was last logged. */
    private BlockedOn waitSeen;
    private long waitSeenSince;
    private long waitLogged;

    /**
     * @param lockTimeout the statements' {@code lock_timeout}, zero for none: it looks every half
     *     of it (at most every 200 ms), so each wait is seen before PostgreSQL cancels it
     * @param listener told of every wait seen
     * @param reportInterval how often a long wait is logged
     */
    LockWaitWatcher(DataSource dataSource, int watchedPid, Duration lockTimeout, LockstepListener listener,
            Duration reportInterval) {
        this.dataSource = dataSource;
        this.watchedPid = watchedPid;
        this.listener = listener;
        this.reportInterval = reportInterval;
        long half = lockTimeout.isZero() ? 200 : Math.max(10, lockTimeout.toMillis() / 2);
        this.interval = Duration.ofMillis(Math.min(200, half));
    }

    /** Starts looking while {@code migration} runs; forgets what was seen before. */
    synchronized void start(Migration migration) {
        stop();
        current = migration;
        lastSeen = null;
        looking = timer.scheduleWithFixedDelay(this::look, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The last wait seen since {@link #start} or the last call, if any; forgets it. */
    Optional<BlockedOn> takeLastSeen() {
        BlockedOn seen = lastSeen;
        lastSeen = null;
        return Optional.ofNullable(seen);
    }

    /** Stops looking. */
    synchronized void stop() {
        if (looking != null) {
            looking.cancel(false);
            looking = null;
        }
    }

    private void look() {
        if (closed || unavailable) {
            return;
        }
        try {
            if (connection == null) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            Optional<BlockedOn> seen = read(connection);
            if (seen.isPresent()) {
                lastSeen = seen.get();
                report(seen.get());
            } else {
                waitSeen = null;
            }
        } catch (SQLException | RuntimeException e) {
            unavailable = true;
            LOG.log(Level.DEBUG, "Cannot watch what the migration waits for (" + e.getMessage() + "); lock "
                    + "timeouts will not name the blocking sessions");
            closeConnection();
        }
        if (closed) {
            closeConnection();
        }
    }

    /** Tells the listener of each sighting; logs a wait once it has lasted a report interval, and then every interval. */
    private void report(BlockedOn seen) {
        long now = System.nanoTime();
        if (!seen.equals(waitSeen)) {
            waitSeen = seen;
            waitSeenSince = now;
            waitLogged = now;
        }
        Duration waited = Duration.ofNanos(now - waitSeenSince);
        Migration migration = current;
        if (migration == null) {
            return;
        }
        listener.migrationWaiting(migration, seen, waited);
        if (now - waitLogged >= reportInterval.toNanos()) {
            waitLogged = now;
            LOG.log(Level.WARNING, "Migration " + migration.file() + " has waited " + Durations.describe(waited)
                    + " for " + seen.describe() + (seen.lockType().equals("virtualxid") ? ". A CREATE INDEX "
                    + "CONCURRENTLY waits for every transaction that started before it, by design; end that session "
                    + "or let it finish" : ""));
        }
    }

    private Optional<BlockedOn> read(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(LOOK)) {
            p.setInt(1, watchedPid);
            try (ResultSet rs = p.executeQuery()) {
                String lockType = null;
                String relation = null;
                String mode = null;
                List<BlockedOn.Blocker> blockers = new ArrayList<>();
                while (rs.next()) {
                    lockType = rs.getString(1);
                    relation = rs.getString(2);
                    mode = rs.getString(3);
                    Timestamp queryStart = rs.getTimestamp(7);
                    blockers.add(new BlockedOn.Blocker(rs.getInt(4), rs.getString(5), rs.getString(6),
                            queryStart == null ? null : queryStart.toInstant(), rs.getString(8)));
                }
                return blockers.isEmpty() ? Optional.empty()
                        : Optional.of(new BlockedOn(lockType, relation, mode, blockers));
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "Could not close the watcher's connection: " + e.getMessage());
            }
            connection = null;
        }
    }

    /** Ends the watcher; its connection is closed on its own thread, never waited for here. */
    @Override
    public void close() {
        closed = true;
        stop();
        timer.execute(this::closeConnection);
        timer.shutdown();
    }
}
