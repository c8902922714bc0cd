package dev.lockstep.core;

import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.lock.LockAcquisition;
import dev.lockstep.core.internal.lock.RunLock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

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
    public <T> LockAcquisition<T> acquire(Connection connection, DoneByOthers<T> doneByOthers, long waitStartedNanos)
            throws SQLException {
        long started = System.nanoTime();
        beforeBlocking.run();
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
        }
        return new LockAcquisition.Held<>(held(connection), Duration.ofNanos(System.nanoTime() - started));
    }

    @Override
    public Optional<HeldLock> tryAcquire(Connection connection) {
        throw new UnsupportedOperationException("only runs wait for it");
    }

    /** Held without a fence, as the tools that block in the server hold it. */
    private HeldLock held(Connection connection) {
        return new HeldLock() {
            @Override
            public String fenceSql() {
                return "SELECT 1";
            }

            @Override
            public void close() throws SQLException {
                try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, key);
                    unlock.execute();
                }
            }
        };
    }
}
