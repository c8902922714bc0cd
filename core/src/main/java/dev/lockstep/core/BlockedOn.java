package dev.lockstep.core;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a migration statement was waiting for, as {@code pg_locks} and {@code pg_blocking_pids()}
 * showed it from another session while it waited.
 *
 * @param lockType {@code pg_locks.locktype}: {@code relation} for a table or index, else e.g. {@code transactionid}
 * @param relation the table or index, schema-qualified where needed; {@code null} when the lock is not on one
 * @param mode the lock mode it asked for, e.g. {@code AccessExclusiveLock}
 * @param blockers the sessions it waited for
 */
public record BlockedOn(String lockType, String relation, String mode, List<Blocker> blockers) {

    public BlockedOn {
        blockers = List.copyOf(blockers);
    }

    /**
     * A session the statement waited for. Fields the server does not show to this role are
     * {@code null} (the query reads {@code <insufficient privilege>}).
     *
     * @param state {@code pg_stat_activity.state}, e.g. {@code idle in transaction}
     * @param queryStart when its current (or last) query started
     * @param query that query, on one line and shortened
     */
    public record Blocker(int pid, String applicationName, String state, Instant queryStart, String query) {

        public String describe() {
            StringBuilder s = new StringBuilder("pid ").append(pid);
            if (applicationName != null && !applicationName.isEmpty()) {
                s.append(" (application_name '").append(applicationName).append("')");
            }
            if (state != null) {
                s.append(", ").append(state);
            }
            if (queryStart != null) {
                s.append(", query started ").append(queryStart);
            }
            if (query != null) {
                s.append(", query \"").append(query).append('"');
            }
            return s.toString();
        }
    }

    /** One line for logs and errors, e.g. {@code AccessExclusiveLock on public.orders, held by pid 42 (...)}. */
    public String describe() {
        String what = mode + (relation != null ? " on " + relation : " on a " + lockType);
        if (blockers.isEmpty()) {
            return what;
        }
        return what + ", held by " + blockers.stream().map(Blocker::describe).collect(Collectors.joining("; "));
    }
}
