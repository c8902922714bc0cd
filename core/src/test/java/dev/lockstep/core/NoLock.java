package dev.lockstep.core;

import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.lock.LockAcquisition;
import dev.lockstep.core.internal.lock.RunLock;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;

/** A lock that locks nothing: what the tests swap in to prove the real lock is what protects. */
final class NoLock implements RunLock {

    static final RunLock.Factory FACTORY = (key, timeout, reportInterval, listener) -> new NoLock();

    /** Held by everyone at once; its fence proves nothing. */
    private static final HeldLock NOTHING = new HeldLock() {
        @Override
        public String fenceSql() {
            return "SELECT 1";
        }

        @Override
        public void close() {
        }
    };

    @Override
    public <T> LockAcquisition<T> acquire(Connection connection, DoneByOthers<T> doneByOthers, long waitStartedNanos) {
        return new LockAcquisition.Held<>(NOTHING, Duration.ZERO);
    }

    @Override
    public Optional<HeldLock> tryAcquire(Connection connection) {
        return Optional.of(NOTHING);
    }
}
