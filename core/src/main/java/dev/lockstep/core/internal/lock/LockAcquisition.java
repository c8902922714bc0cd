package dev.lockstep.core.internal.lock;

import java.time.Duration;

/**
 * How waiting for the run lock ended: this run holds it, or it is not needed any more because
 * another runner did the work meanwhile.
 *
 * @param <T> what the other runner's work amounts to (the run's report)
 */
public sealed interface LockAcquisition<T> {

    /** This run holds the lock, after waiting this long. */
    record Held<T>(HeldLock lock, Duration waited) implements LockAcquisition<T> {
    }

    /** Another runner did the work while this one waited; the lock is not held. */
    record NotNeeded<T>(T doneByOthers) implements LockAcquisition<T> {
    }
}
