/**
 * Internal: the one connection a run keeps, and what can go wrong with it.
 * {@link dev.lockstep.core.internal.session.Connector} borrows it (with retries);
 * {@link dev.lockstep.core.internal.session.PinnedSession} names the session, sets keepalives and the
 * connection check, and gives it back as it came, restoring what
 * {@link dev.lockstep.core.internal.session.SessionState} captured or discarding it when that cannot
 * be done with certainty. {@link dev.lockstep.core.internal.session.PoolerCheck} refuses poolers that
 * share sessions; {@link dev.lockstep.core.internal.session.ConnectionFailures} tells a lost connection
 * from a failed statement; {@code DatabaseDescription} and {@code DriverBackend} read the driver's
 * state without a query.
 */
package dev.lockstep.core.internal.session;
