package dev.lockstep.core.internal.run;

import dev.lockstep.core.BlockedOn;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.RunStoppedException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Lock-queue protection: migration statements run with a short {@code lock_timeout}
 * ({@code lockstep.ddl.lock-timeout}), and what PostgreSQL cancelled for it is tried again after a
 * pause, within {@code lockstep.ddl.max-wait}. The one place that decides whether and when a
 * migration, or a statement outside a transaction, runs again.
 *
 * <p>Why: a statement waiting for an ACCESS EXCLUSIVE lock behind one long query makes every later
 * query on that table queue behind it. Cancelled after a short wait, it lets that traffic through;
 * tried again after a growing, jittered pause, it gets its lock in a quiet moment. Statements whose
 * waits hold up no query ({@link dev.lockstep.core.internal.sql.StatementFacts#withoutLockTimeout()})
 * run without the timeout: cancelling a {@code CREATE INDEX CONCURRENTLY} half-way would leave an
 * INVALID index behind.
 */
final class LockTimeoutRetries {

    private static final System.Logger LOG = System.getLogger(LockTimeoutRetries.class.getName());
    static final String LOCK_NOT_AVAILABLE = "55P03";
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private final Duration lockTimeout;
    private final Duration maxWait;
    private final LockWaitWatcher watcher;
    private final LockstepListener listener;
    /** Of the migration being applied; a run applies one migration at a time. */
    private int retries;

    /** @param lockTimeout zero turns the protection off: no {@code lock_timeout}, no retries */
    LockTimeoutRetries(Duration lockTimeout, Duration maxWait, LockWaitWatcher watcher, LockstepListener listener) {
        this.lockTimeout = lockTimeout;
        this.maxWait = maxWait;
        this.watcher = watcher;
        this.listener = listener;
    }

    boolean enabled() {
        return !lockTimeout.isZero();
    }

    /** Counts the retries of the next migration from zero. */
    void startMigration() {
        retries = 0;
    }

    /** How often {@code lock_timeout} cancelled the current migration (outside a transaction: one of its statements). */
    int retries() {
        return retries;
    }

    /** One try of a whole migration in its transaction; fails with the migration's error. */
    @FunctionalInterface
    interface TransactionAttempt {
        void run() throws SQLException;
    }

    /** One try of one statement in autocommit. */
    @FunctionalInterface
    interface StatementAttempt {
        void run() throws SQLException;
    }

    /**
     * A transactional migration, tried whole: a transaction that {@code lock_timeout} cancelled was
     * rolled back with everything in it, tracker row included, so running it again is safe.
     */
    void inTransaction(LoadedMigration migration, TransactionAttempt attempt) throws SQLException {
        long started = System.nanoTime();
        for (int tries = 1;; tries++) {
            try {
                attempt.run();
                return;
            } catch (MigrationFailedException e) {
                if (!enabled() || !isLockNotAvailable(e)) {
                    throw e;
                }
                pauseOrGiveUp(migration, Optional.empty(), tries, started, e, "it; its transaction was rolled back",
                        "Its transaction was rolled back each "
                        + "time and nothing was recorded, so the schema is as it was before this migration.");
            }
        }
    }

    /**
     * One statement outside a transaction, tried again after {@code lock_timeout} cancelled it only
     * when that provably left nothing behind:
     * <ul>
     *   <li>a statement that commits nothing before it ends: the cancellation undid all of it;</li>
     *   <li>a concurrent index build that names its index: the INVALID index it may have left is
     *       dropped (concurrently) first, so the next try builds it again instead of skipping it;</li>
     *   <li>a concurrent index drop: what it left (the index, INVALID) is what the next try drops.</li>
     * </ul>
     * Never inside a transaction the file opened (PostgreSQL aborted it, with the statements before
     * this one in it), nor for any other statement that commits in steps ({@code REINDEX
     * CONCURRENTLY}, {@code DETACH PARTITION CONCURRENTLY}, {@code DO}, {@code CALL}): those fail,
     * saying what they may have left. A statement whose waits hold up no query runs without the
     * timeout ({@link #runsWithoutTimeout}; the caller switches it off before and on after).
     *
     * @param openedBy the statement that opened the transaction the file is in, if it is in one
     * @param build for a concurrent build that names its index: the index's state before it
     * @param failure the run's error for a failed try, naming the file and line
     */
    void outsideTransaction(LoadedMigration migration, SqlStatement sql, Optional<SqlStatement> openedBy,
            Optional<ConcurrentBuild> build, Connection connection, StatementAttempt attempt,
            Function<SQLException, MigrationFailedException> failure, String consequence) throws SQLException {
        long started = System.nanoTime();
        for (int tries = 1;; tries++) {
            try {
                attempt.run();
                return;
            } catch (SQLException e) {
                if (!isLockNotAvailable(e)) {
                    throw failure.apply(e);
                }
                String effect = beforeAnotherTry(sql, openedBy, build, connection, e, failure);
                pauseOrGiveUp(migration, Optional.of(sql), tries, started, e, effect, consequence);
            }
        }
    }

    /**
     * Whether a statement outside a transaction runs with {@code lock_timeout} off: its waits hold
     * up no query (a concurrent index build or drop), unless the migration sets
     * {@code lock_timeout} itself, which then keeps its own value.
     */
    boolean runsWithoutTimeout(LoadedMigration migration, SqlStatement sql) {
        return enabled() && sql.copyRows().isEmpty() && sql.facts().withoutLockTimeout().isPresent()
                && !migration.sessionEffects().settings().contains("lock_timeout");
    }

    /** Switches the timeout off for a statement that {@link #runsWithoutTimeout}. */
    static String timeoutOffSql() {
        return "SET lock_timeout = 0";
    }

    /** Lockstep's {@code lock_timeout} again, after a statement that ran without it. */
    String timeoutSql() {
        return "SET lock_timeout = '" + lockTimeout.toMillis() + "ms'";
    }

    /**
     * After {@code lock_timeout} cancelled a statement outside a transaction: makes sure the next
     * try starts from nothing, or throws the run's error saying why it is not tried again.
     *
     * @return what the cancelled try left, for the log
     */
    private String beforeAnotherTry(SqlStatement sql, Optional<SqlStatement> openedBy, Optional<ConcurrentBuild> build,
            Connection connection, SQLException cancelled, Function<SQLException, MigrationFailedException> failure)
            throws SQLException {
        Optional<PartWay> partWay = sql.facts().partWay();
        String notTried = "PostgreSQL cancelled it because it waited too long for a lock, and it is not tried again: ";
        if (openedBy.isPresent()) {
            throw withNote(failure.apply(cancelled), notTried + "it ran inside the transaction the file opened at line "
                    + openedBy.get().line() + ", which PostgreSQL aborted with everything in it.");
        }
        if (!enabled()) {
            throw failure.apply(cancelled);
        }
        if (partWay.isEmpty()) {
            return "the statement, which took no effect";
        }
        PartWay work = partWay.get();
        if (work.kind() == PartWay.Kind.DROPS_INDEX) {
            return "the concurrent drop, which the next try finishes";
        }
        if (work.harmlessAgain()) {
            return "the vacuum, which changes no data or definition, so the next try runs it whole again";
        }
        if (!work.resumable()) {
            throw withNote(failure.apply(cancelled), notTried + "it commits in steps, so it may have left "
                    + work.leftover() + ".");
        }
        ConcurrentBuild named = build.orElseThrow();
        if (!named.leftInvalidIndex(connection)) {
            return "the index build before it created its index, so it took no effect";
        }
        String index = named.written();
        try {
            index = named.dropLeftover(connection);
        } catch (SQLException e) {
            MigrationFailedException stop = withNote(failure.apply(cancelled), notTried + "the build left the INVALID "
                    + "index " + index + ", and dropping it failed (" + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]). Drop it: DROP INDEX CONCURRENTLY IF EXISTS " + index + ".");
            stop.addSuppressed(e);
            throw stop;
        }
        return "the index build, which left the INVALID index " + index + ", dropped (concurrently) before the "
                + "next try";
    }

    private static MigrationFailedException withNote(MigrationFailedException failure, String note) {
        MigrationFailedException noted = new MigrationFailedException(failure.getMessage() + "\n  " + note,
                failure.file(), failure.line(), failure.getCause());
        for (Throwable suppressed : failure.getSuppressed()) {
            noted.addSuppressed(suppressed);
        }
        return noted;
    }

    /**
     * After a cancelled try: tells the listeners and the log what it waited for, and sleeps before
     * the next; past {@code lockstep.ddl.max-wait}, throws the run's error instead.
     *
     * @param sql the statement retried on its own (outside a transaction); empty for the whole migration
     * @param effect what was cancelled and what it left, for the log
     */
    private void pauseOrGiveUp(LoadedMigration migration, Optional<SqlStatement> sql, int tries, long startedNanos,
            Exception cancelled, String effect, String consequence) {
        Optional<BlockedOn> blockedOn = watcher.takeLastSeen();
        Duration waited = Duration.ofNanos(System.nanoTime() - startedNanos);
        String what = blockedOn.map(BlockedOn::describe).orElse("a lock (no other session could be seen holding it)");
        String where = sql.map(s -> " at line " + s.line()).orElse("");
        Optional<Duration> pause = pauseAfter(tries, waited, lockTimeout, maxWait);
        if (pause.isEmpty()) {
            String fix = blockedOn.filter(b -> !b.blockers().isEmpty())
                    .map(b -> "End or wait out the blocking session (SELECT pg_terminate_backend("
                            + b.blockers().get(0).pid() + ") ends it)")
                    .orElse("Find what holds locks on the tables this migration changes (pg_locks) and end it");
            throw new MigrationFailedException("Migration " + migration.file() + where + " could not get its lock "
                    + "within lockstep.ddl.max-wait (" + Durations.describe(maxWait) + ", " + tries
                    + " attempts of lockstep.ddl.lock-timeout " + Durations.describe(lockTimeout)
                    + "): it waited for " + what + ".\n  " + consequence + " " + fix
                    + ", or raise lockstep.ddl.max-wait, and start again.", migration.file(),
                    sql.map(SqlStatement::line).orElse(0), cancelled);
        }
        LOG.log(Level.WARNING, "Migration " + migration.file() + where + " waited longer than lockstep.ddl.lock-timeout ("
                + Durations.describe(lockTimeout) + ") for a lock, and PostgreSQL cancelled " + effect + ", so the table's queries do not queue behind it. Attempt " + (tries + 1) + " in "
                + Durations.describe(pause.get()) + " (waited " + Durations.describe(waited) + " of lockstep.ddl.max-wait "
                + Durations.describe(maxWait) + "). It waited for " + what);
        retries++;
        listener.migrationLockRetry(migration, tries, waited, pause.get(), blockedOn.orElse(null));
        try {
            Thread.sleep(pause.get().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunStoppedException("Stopped while " + migration.file() + " waited to try for its lock again, "
                    + "because the run was interrupted. " + consequence);
        }
    }

    /** Whether PostgreSQL refused a lock: {@code lock_timeout}, or a {@code NOWAIT} in the migration. */
    static boolean isLockNotAvailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The pause before the next try, after try {@code tries} (from 1) was cancelled; empty when
     * that try and its wait would end past {@code max-wait}: give up. Pauses grow from half a
     * second, doubling up to 30 seconds, each a random point in the upper half of its range, so
     * replicas and retries do not line up.
     */
    static Optional<Duration> pauseAfter(int tries, Duration waitedSoFar, Duration lockTimeout, Duration maxWait) {
        long base = Math.min(LONGEST_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(tries - 1, 16));
        Duration pause = Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        if (waitedSoFar.plus(pause).plus(lockTimeout).compareTo(maxWait) > 0) {
            return Optional.empty();
        }
        return Optional.of(pause);
    }
}
