package dev.lockstep.core;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Lock-queue protection: how long a migration statement may wait for a lock
 * ({@code lockstep.ddl.lock-timeout}, PostgreSQL's {@code lock_timeout}), and how a migration that
 * was cancelled for it tries again ({@code lockstep.ddl.max-wait}).
 *
 * <p>Why: a statement waiting for an ACCESS EXCLUSIVE lock behind one long query makes every
 * later query on that table queue behind it. Cancelled after a short wait, it lets that traffic
 * through; tried again after a growing, jittered pause, it gets its lock in a quiet moment.
 */
final class DdlLockRetries {

    static final String LOCK_NOT_AVAILABLE = "55P03";
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    /**
     * Statements whose lock waits make no ordinary query wait: they take at most SHARE UPDATE
     * EXCLUSIVE, and a {@code CONCURRENTLY} build waits for older transactions on purpose.
     * Cancelling one could leave an INVALID index behind, so these run without the lock timeout.
     */
    private static final Pattern TRAFFIC_SAFE = Pattern.compile("(?is)^\\s*(?:"
            + "CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\b"
            + "|DROP\\s+INDEX\\s+CONCURRENTLY\\b"
            + "|REINDEX\\b.*\\bCONCURRENTLY\\b"
            + "|REFRESH\\s+MATERIALIZED\\s+VIEW\\s+CONCURRENTLY\\b"
            + "|ALTER\\s+TABLE\\b.*\\bDETACH\\s+PARTITION\\b.*\\bCONCURRENTLY\\b"
            + "|VACUUM\\b(?!\\s*(?:\\(\\s*)?FULL\\b)"
            + "|ANALY[SZ]E\\b)");

    private final Duration lockTimeout;
    private final Duration maxWait;

    /** @param lockTimeout zero turns the protection off: no {@code lock_timeout}, no retries */
    DdlLockRetries(Duration lockTimeout, Duration maxWait) {
        this.lockTimeout = lockTimeout;
        this.maxWait = maxWait;
    }

    boolean enabled() {
        return !lockTimeout.isZero();
    }

    Duration lockTimeout() {
        return lockTimeout;
    }

    Duration maxWait() {
        return maxWait;
    }

    /** The session's {@code lock_timeout} while migrations run, e.g. {@code 1000ms}. */
    String lockTimeoutSetting() {
        return lockTimeout.toMillis() + "ms";
    }

    static boolean isTrafficSafe(String sql) {
        return TRAFFIC_SAFE.matcher(sql).find();
    }

    /** Whether PostgreSQL refused a lock: {@code lock_timeout}, or a {@code NOWAIT} in the migration. */
    static boolean isLockNotAvailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The pause before the next attempt, after {@code attempt} (from 1) was cancelled; empty when
     * that attempt and its wait would end past {@code max-wait}: give up. Pauses grow from half a
     * second, doubling up to 30 seconds, each a random point in the upper half of its range, so
     * replicas and retries do not line up.
     */
    Optional<Duration> pauseAfter(int attempt, Duration waitedSoFar) {
        long base = Math.min(LONGEST_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(attempt - 1, 16));
        Duration pause = Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        if (waitedSoFar.plus(pause).plus(lockTimeout).compareTo(maxWait) > 0) {
            return Optional.empty();
        }
        return Optional.of(pause);
    }
}
