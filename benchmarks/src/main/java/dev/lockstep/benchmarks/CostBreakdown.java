package dev.lockstep.benchmarks;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.Migration;
import java.sql.Connection;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Where one Lockstep run's time goes, migration by migration: every JDBC call the run makes
 * ({@link CountingDataSource}) put in a category and added to the migration in flight, told by
 * Lockstep's own listener events, which come on the migrating thread. A migration's wall time runs
 * from {@code migrationStarted} to {@code migrationApplied}; what JDBC calls do not account for is
 * the client's: Lockstep's own work, the listener's, and the proxies' (a few microseconds a call).
 *
 * <p>Categories, by the SQL a call carries, first match wins: a statement that is part of the
 * migration's file (Lockstep sends each statement's text as the file has it) is the migration's
 * own; then the tracker (its table's name in the text); session settings and checks
 * ({@code SET}, {@code RESET}, {@code SHOW}, {@code set_config}, {@code current_setting},
 * {@code pg_settings}, Lockstep's {@code DO $lockstep$} put-back, its look for what a session may
 * keep: {@code pg_listening_channels} and others); the lock and its fence
 * ({@code pg_advisory_*}, {@code pg_try_advisory_*}); transaction control (commit, rollback, an
 * autocommit switch that commits); anything else (catalog checks such as an index's state before
 * a concurrent build, the pool's {@code getConnection} and {@code close}) is "other". Calls the
 * driver answers without the server are "driver-only". A batch is one round trip, counted once:
 * as the migration's when it carries one of the migration's statements, else in its first
 * statement's category; its statements are counted one by one in theirs. A transactional
 * migration's batch carries Lockstep's fence, its tracker {@code INSERT} and, when the migration
 * may change the session (a {@code DO} block may), the session put-back: their server time is
 * inside the migration's round trip, and only the statement counts show them.
 */
final class CostBreakdown implements LockstepListener, CountingDataSource.Calls {

    enum Category {
        MIGRATION("migration"),
        TRACKER("tracker"),
        SESSION("session"),
        LOCK("lock"),
        TRANSACTION("transaction"),
        OTHER("other"),
        DRIVER_ONLY("driver-only");

        final String column;

        Category(String column) {
            this.column = column;
        }
    }

    /** The rows of the breakdown. */
    enum Group {
        TRANSACTIONAL, CONCURRENTLY, OUTSIDE_MIGRATIONS, OTHER_THREADS
    }

    /** Sums for one group. */
    static final class Tally {
        final long[] roundTrips = new long[Category.values().length];
        final long[] statements = new long[Category.values().length];
        final long[] nanos = new long[Category.values().length];
        long wallNanos;
        int migrations;

        long jdbcNanos() {
            long sum = 0;
            for (long n : nanos) {
                sum += n;
            }
            return sum;
        }

        void add(Tally other) {
            for (int i = 0; i < nanos.length; i++) {
                roundTrips[i] += other.roundTrips[i];
                statements[i] += other.statements[i];
                nanos[i] += other.nanos[i];
            }
            wallNanos += other.wallNanos;
            migrations += other.migrations;
        }
    }

    private final Map<String, String> texts;
    private final String tracker;
    private final Thread migrating = Thread.currentThread();
    private final Map<Group, Tally> tallies = new EnumMap<>(Group.class);
    private Migration current;
    private String currentText;
    private long currentStarted;

    /**
     * Made on the thread that will run {@code migrate()}.
     *
     * @param texts each migration file's text by file name
     * @param tracker the tracker table's name
     */
    CostBreakdown(Map<String, String> texts, String tracker) {
        this.texts = texts;
        this.tracker = tracker.toLowerCase(Locale.ROOT);
        for (Group group : Group.values()) {
            tallies.put(group, new Tally());
        }
    }

    @Override
    public synchronized void migrationStarted(Migration migration, int index, int total) {
        current = migration;
        String file = migration.file();
        currentText = texts.get(file.substring(file.lastIndexOf('/') + 1));
        currentStarted = System.nanoTime();
    }

    @Override
    public synchronized void migrationApplied(Migration migration, Duration took) {
        Tally tally = tallies.get(groupOf(migration));
        tally.wallNanos += System.nanoTime() - currentStarted;
        tally.migrations++;
        current = null;
        currentText = null;
    }

    @Override
    public synchronized void migrationFailed(Migration migration, Duration took, LockstepException error) {
        current = null;
        currentText = null;
    }

    @Override
    public synchronized void add(CountingDataSource.Call call) {
        Group group = Thread.currentThread() != migrating ? Group.OTHER_THREADS
                : current == null ? Group.OUTSIDE_MIGRATIONS : groupOf(current);
        Tally tally = tallies.get(group);
        Category category;
        if (!call.roundTrip()) {
            boolean pool = call.on() == DataSource.class || call.on() == Connection.class && call.method().equals("close");
            category = pool ? Category.OTHER : Category.DRIVER_ONLY;
        } else if (call.sql().isEmpty()) {
            category = isTransactionControl(call.method()) ? Category.TRANSACTION : call.method().startsWith("set")
                    ? Category.SESSION : Category.OTHER;
            tally.statements[category.ordinal()]++;
        } else {
            category = null;
            for (String sql : call.sql()) {
                Category of = classify(sql, group == Group.OTHER_THREADS ? null : currentText, tracker);
                tally.statements[of.ordinal()]++;
                if (category == null || of == Category.MIGRATION) {
                    category = of;
                }
            }
        }
        if (call.roundTrip()) {
            tally.roundTrips[category.ordinal()]++;
        }
        tally.nanos[category.ordinal()] += call.nanos();
    }

    /** Ends the run: what its wall time holds besides the migrations is the run's own. */
    synchronized void finish(long runNanos) {
        long migrations = tallies.get(Group.TRANSACTIONAL).wallNanos + tallies.get(Group.CONCURRENTLY).wallNanos;
        Tally outside = tallies.get(Group.OUTSIDE_MIGRATIONS);
        outside.wallNanos = runNanos - migrations;
        outside.migrations = 1;
    }

    synchronized Tally tally(Group group) {
        return tallies.get(group);
    }

    /** Both groups of migrations together. */
    synchronized Tally allMigrations() {
        Tally all = new Tally();
        all.add(tallies.get(Group.TRANSACTIONAL));
        all.add(tallies.get(Group.CONCURRENTLY));
        return all;
    }

    /**
     * The category of one statement's SQL.
     *
     * @param migrationText the file of the migration in flight, or null outside one
     */
    static Category classify(String sql, String migrationText, String tracker) {
        String text = sql.strip();
        if (migrationText != null && !text.isEmpty() && migrationText.contains(text)) {
            return Category.MIGRATION;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains(tracker.toLowerCase(Locale.ROOT))) {
            return Category.TRACKER;
        }
        if (lower.startsWith("set ") || lower.startsWith("reset ") || lower.startsWith("show ")
                || lower.startsWith("do $lockstep$") || lower.contains("set_config(") || lower.contains("current_setting(")
                || lower.contains("pg_settings") || lower.contains("pg_listening_channels")) {
            return Category.SESSION;
        }
        if (lower.contains("pg_advisory_") || lower.contains("pg_try_advisory_")) {
            return Category.LOCK;
        }
        if (lower.equals("commit") || lower.equals("rollback") || lower.equals("begin")) {
            return Category.TRANSACTION;
        }
        return Category.OTHER;
    }

    private static boolean isTransactionControl(String method) {
        return switch (method) {
            case "commit", "rollback", "setAutoCommit", "setSavepoint", "releaseSavepoint" -> true;
            default -> false;
        };
    }

    private static Group groupOf(Migration migration) {
        return migration.transactional() ? Group.TRANSACTIONAL : Group.CONCURRENTLY;
    }
}
