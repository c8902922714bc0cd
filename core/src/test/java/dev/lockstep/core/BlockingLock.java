package dev.lockstep.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The lock most tools take: {@code SELECT pg_advisory_lock(key)}, blocking inside the server. A
 * waiter parked in it holds a snapshot for as long as it waits. Tests use it to show what the
 * polling {@link AdvisoryLock} avoids.
 */
final class BlockingLock implements RunLock {

    private final long key;
    private final Runnable beforeBlocking;

    BlockingLock(long key, Runnable beforeBlocking) {
        this.key = key;
        this.beforeBlocking = beforeBlocking;
    }

    @Override
    public Duration acquire(Connection connection, StillNeeded stillNeeded, long waitStartedNanos) throws SQLException {
        long started = System.nanoTime();
        beforeBlocking.run();
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void release(Connection connection) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setLong(1, key);
            unlock.execute();
        }
    }
}
