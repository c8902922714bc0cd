package dev.lockstep.core;

import java.time.Instant;

/**
 * The session holding the migration lock, as {@code pg_locks} and {@code pg_stat_activity} show
 * it. Fields the server does not show to this role are {@code null}.
 *
 * @param pid the holder's backend process id
 * @param applicationName its {@code application_name}; a Lockstep runner sets one naming itself
 * @param clientAddress its client address, {@code null} for a Unix socket
 * @param backendStart when its session started
 * @param since when this waiter first saw it holding the lock
 */
public record LockHolder(int pid, String applicationName, String clientAddress, Instant backendStart,
        Instant since) {

    /** A one-line description for logs and errors. */
    public String describe() {
        StringBuilder s = new StringBuilder("pid ").append(pid);
        if (applicationName != null && !applicationName.isEmpty()) {
            s.append(" (application_name '").append(applicationName).append("')");
        }
        s.append(" from ").append(clientAddress == null ? "a local socket" : clientAddress);
        if (since != null) {
            s.append(", held since at least ").append(since);
        }
        return s.toString();
    }
}
