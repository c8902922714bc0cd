package dev.lockstep.core;

import java.sql.Connection;
import java.time.Duration;

/** A lock that locks nothing: what the tests swap in to prove the real lock is what protects. */
final class NoLock implements RunLock {

    static final NoLock INSTANCE = new NoLock();

    @Override
    public Duration acquire(Connection connection, StillNeeded stillNeeded, long waitStartedNanos) {
        return Duration.ZERO;
    }

    @Override
    public void release(Connection connection) {
    }
}
