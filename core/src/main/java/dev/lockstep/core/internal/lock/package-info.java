/**
 * Internal: the migration lock that serializes runs across processes.
 * {@link dev.lockstep.core.internal.lock.RunLock} is how a run waits for it; acquiring ends in a
 * {@link dev.lockstep.core.internal.lock.LockAcquisition}: held, or not needed because another
 * runner did the work. The held lock is a {@link dev.lockstep.core.internal.lock.HeldLock}: closing
 * it releases the lock, and its fence proves the session still holds it.
 * {@link dev.lockstep.core.internal.lock.AdvisoryLock} is the production lock (a PostgreSQL session
 * advisory lock, polled, named when held by someone else), keyed by
 * {@link dev.lockstep.core.internal.lock.LockKeys}.
 */
package dev.lockstep.core.internal.lock;
