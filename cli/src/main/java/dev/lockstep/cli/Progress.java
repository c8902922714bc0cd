package dev.lockstep.cli;

import dev.lockstep.core.BlockedOn;
import dev.lockstep.core.LockHolder;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.Migration;
import java.io.PrintStream;
import java.time.Duration;

/** A line per migration, and a line while the run waits, for a terminal or a job's log. */
final class Progress implements LockstepListener {

    private final PrintStream out;
    private int index;
    private int total;

    Progress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void lockWaiting(LockHolder holder, Duration waited) {
        out.println("waiting for the migration lock (" + waited.toSeconds() + " s), held by "
                + (holder == null ? "another session" : holder.describe()));
    }

    @Override
    public void migrationStarted(Migration migration, int index, int total) {
        this.index = index;
        this.total = total;
    }

    @Override
    public void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
            BlockedOn blockedOn) {
        out.println("[" + index + "/" + total + "] " + migration.file() + ": cancelled by lock_timeout, retry in "
                + pause.toMillis() + " ms" + (blockedOn == null ? "" : "; it waited for " + blockedOn.describe()));
    }

    @Override
    public void migrationApplied(Migration migration, Duration took) {
        out.println("[" + index + "/" + total + "] " + migration.file() + " applied in " + took.toMillis() + " ms ("
                + (migration.transactional() ? "in a transaction" : "outside a transaction") + ")");
    }
}
