package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.UndoPlan;
import dev.lockstep.core.UndoTarget;
import dev.lockstep.core.internal.drift.StoredSchema;
import dev.lockstep.core.internal.expand.ExpansionTable;
import dev.lockstep.core.internal.expand.ExpansionUndo;
import dev.lockstep.core.internal.files.DownMigration;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.jobs.JobTable;
import dev.lockstep.core.internal.files.MigrationId;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.lock.LockAcquisition;
import dev.lockstep.core.internal.plan.MigrationPlan;
import dev.lockstep.core.internal.session.PinnedSession;
import dev.lockstep.core.internal.session.SessionState;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Tracker;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code undo}: runs the down SQL of applied migrations, highest version first, under the migration
 * lock, and marks each row {@code undone} (kept, with who and when). Never part of a start: only
 * an explicit call runs it. The down comes from the tracker row (so a release that no longer ships
 * the file can undo it), else from the down file. Everything is checked before anything runs: a
 * migration without a down, an interrupted migration, a tracker that changed while this run waited.
 * A step in a transaction commits with its row, under {@code lockstep.ddl.lock-timeout} with retries;
 * a step outside one (its statements need it: {@code DROP INDEX CONCURRENTLY}) is journaled
 * ({@link DownOutsideTransaction}): its row says {@code undoing} from before its first statement to
 * after its last, so an undo killed half-way is reported by every later command, and one of only
 * concurrent index drops is finished by the next undo or migrate.
 */
public final class UndoCommand {

    private static final System.Logger LOG = System.getLogger(UndoCommand.class.getName());

    private final Engine engine;
    private final UndoTarget target;

    public UndoCommand(Engine engine, UndoTarget target) {
        this.engine = engine;
        this.target = target;
    }

    /** What the undo would run, read without the lock and without writing. */
    public UndoPlan plan() {
        List<LoadedMigration> onDisk = engine.scan();
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().existingTracker(connection, "nothing to undo");
            return describe(tracker, steps(connection, tracker, onDisk));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Waits for the migration lock (as migrate does), checks that the tracker still asks for
     * {@code expected} (when given: what a person confirmed), and runs it.
     *
     * @return what was undone
     */
    public UndoPlan run(Optional<UndoPlan> expected) {
        List<LoadedMigration> onDisk = engine.scan();
        String runner = engine.runner();
        RunTarget where = engine.target();
        try (Connection connection = engine.connector().connect()) {
            PinnedSession session = PinnedSession.pin(connection, where.dataSource());
            try {
                Tracker tracker = where.existingTracker(connection, "nothing to undo");
                where.requireWritable(connection, "undo migrations in");
                engine.parts().sessionPinning().require(connection, where.dataSource());
                SessionState lockState = session.configure("lockstep undo " + runner,
                        engine.settings().find(LockstepSettings.STATEMENT_TIMEOUT), Set.of());
                // The downs run where the ups ran: a schema tenant's schema, or lockstep.schema, first on search_path.
                SessionState state = lockState.with(where.sessionSettings(connection));
                long key = where.lockKey(tracker);
                LockAcquisition<Void> acquisition = engine.parts().locks().create(key, engine.settings().get(LockstepSettings.LOCK_TIMEOUT),
                        engine.settings().get(LockstepSettings.LOCK_REPORT_INTERVAL), engine.listeners())
                        .acquire(connection, Optional::empty, System.nanoTime());
                try (HeldLock lock = ((LockAcquisition.Held<Void>) acquisition).lock()) {
                    session.migrationsRun();
                    state.restore(connection);
                    tracker.upgradeIfOld(connection);
                    List<Step> steps = steps(connection, tracker, onDisk);
                    UndoPlan plan = describe(tracker, steps);
                    if (expected.isPresent() && !expected.get().steps().equals(plan.steps())) {
                        throw new LockstepException("The tracker " + tracker.displayName() + " changed while this undo "
                                + "waited for the migration lock, so it no longer asks for what was shown; nothing was "
                                + "undone. Run undo again to see what it would run now.");
                    }
                    Optional<StoredSchema> stored = steps.isEmpty()
                            || !engine.settings().get(LockstepSettings.DRIFT_STORE_SNAPSHOT) ? Optional.empty()
                            : StoredSchema.before(connection, tracker, where.table());
                    int index = 1;
                    for (Step step : steps) {
                        undo(connection, tracker, lock, state, step, runner, index++, steps.size());
                    }
                    stored.ifPresent(schema -> schema.store(connection, tracker, where.table(), runner));
                    return plan;
                }
            } finally {
                session.putBack();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * One migration to undo, with its down and where the down comes from.
     *
     * @param expanded whether it is an expanded migration (not yet contracted), whose down Lockstep wrote
     */
    record Step(AppliedRow row, DownMigration down, String source, boolean expanded) {

        Step(AppliedRow row, DownMigration down, String source) {
            this(row, down, source, false);
        }

        /**
         * The down of {@code row}: the one its tracker row keeps (so a release that no longer ships
         * the file can undo it), else its down file; empty when there is neither.
         */
        static Optional<Step> of(AppliedRow row, Map<MigrationId, Tracker.StoredDown> stored,
                List<LoadedMigration> onDisk) {
            Tracker.StoredDown kept = stored.get(row.id());
            if (kept != null) {
                return Optional.of(new Step(row, DownMigration.stored(kept.file(), kept.sql(), kept.checksum()),
                        "kept in the tracker"));
            }
            return onDisk.stream().filter(m -> m.id().equals(row.id())).findFirst().flatMap(LoadedMigration::down)
                    .map(file -> new Step(row, file, "from the file; the row predates kept downs"));
        }
    }

    private List<Step> steps(Connection connection, Tracker tracker, List<LoadedMigration> onDisk)
            throws SQLException {
        List<AppliedRow> rows = tracker.read(connection);
        Optional<AppliedRow> running = rows.stream().filter(AppliedRow::running).findFirst();
        if (running.isPresent()) {
            throw new LockstepException("Migration " + running.get().id() + " is interrupted (its row in "
                    + tracker.displayName() + " is 'running'); nothing was undone. Finish or clear it first "
                    + "(lockstep-cli mark-done or forget), then undo.");
        }
        List<AppliedRow> chosen = rows.stream()
                .filter(row -> !row.undone() && !row.id().repeatable())
                .sorted(Comparator.comparing(AppliedRow::version).thenComparing(AppliedRow::name).reversed())
                .filter(this::targeted)
                .toList();
        if (target instanceof UndoTarget.Last last) {
            chosen = chosen.subList(0, Math.min(last.count(), chosen.size()));
        }
        Map<MigrationId, Tracker.StoredDown> stored = tracker.storedDowns(connection);
        List<Step> steps = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        ExpansionTable expansions = new ExpansionTable(tracker, engine.target().table());
        for (AppliedRow row : chosen) {
            Optional<String> expanded = ExpansionUndo.downSql(connection, expansions, row.version());
            Optional<Step> step = expanded.isPresent()
                    ? Optional.of(new Step(row, DownMigration.stored("(what the expand of " + row.id() + " added)",
                            expanded.get(), ""), "written by Lockstep: expanded, not contracted", true))
                    : Step.of(row, stored, onDisk);
            if (step.isPresent()) {
                steps.add(step.get());
            } else {
                missing.add(row.id() + " (" + row.name() + ")");
            }
        }
        List<String> halfUndone = steps.stream().filter(step -> step.row().undoing()
                && (step.down().refusal().isPresent() || !step.down().facts().resumable()))
                .map(step -> MigrationPlan.interruptedUndo(step.row(), tracker)).toList();
        if (!halfUndone.isEmpty()) {
            throw new LockstepException("Nothing was undone: running a down again whose statements are not all "
                    + "concurrent index drops could fail, or do twice what took effect.\n  - "
                    + String.join("\n  - ", halfUndone));
        }
        List<String> refused = steps.stream().flatMap(step -> step.down().refusal()
                .map(why -> step.row().id() + " (" + step.row().name() + "): " + why).stream()).toList();
        if (!refused.isEmpty()) {
            throw new LockstepException("Cannot undo " + String.join("; ", refused) + ". Nothing was undone. Undo "
                    + "only the migrations above " + (refused.size() == 1 ? "it" : "them") + " (--to=V), or write a "
                    + "down that can run.");
        }
        if (!missing.isEmpty()) {
            throw new LockstepException("Cannot undo: " + String.join(", ", missing) + " ha" + (missing.size() == 1
                    ? "s" : "ve") + " no down SQL (none was kept when it was applied, and no down file matches it "
                    + "now); nothing was undone. Add <version>_<name>.down.sql (or U<version>__<name>.sql) beside "
                    + "its up file, or undo fewer migrations.");
        }
        return steps;
    }

    private boolean targeted(AppliedRow row) {
        if (target instanceof UndoTarget.To to) {
            return row.version().compareTo(to.version()) > 0;
        }
        return true;
    }

    private void undo(Connection connection, Tracker tracker, HeldLock lock, SessionState state, Step step,
            String runner, int index, int total) throws SQLException {
        long started = System.nanoTime();
        boolean transactional = step.down().facts().transactional();
        // What the down's own SET, RESET or SET ROLE changed is put back before its row is written, as migrate does.
        String markUndone = state.restoreSql(step.down().facts().sessionEffects()).map(sql -> sql + ";\n").orElse("")
                + tracker.markUndoneSql(step.row().id(), runner);
        // A batched migration's job goes with its row: its worker stops at its next batch, and a new apply starts anew.
        JobTable jobs = new JobTable(tracker, engine.target().table(), engine.target().lockKey(tracker));
        if (jobs.exists(connection)) {
            markUndone += ";\n" + jobs.deleteSql(step.row().id().version().toString(), step.row().name());
        }
        if (transactional) {
            inTransaction(connection, lock, step, markUndone);
        } else {
            new DownOutsideTransaction(connection, tracker, lock).run(step.row(), step.down(), markUndone, runner);
        }
        LOG.log(Level.INFO, "Undid migration " + index + "/" + total + " " + step.row().id() + " with "
                + step.down().file() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms ("
                + (transactional ? "in a transaction" : "outside a transaction") + ", " + step.source() + ")");
    }

    /**
     * A down in a transaction, with {@code lockstep.ddl.lock-timeout}: when PostgreSQL cancels it for
     * waiting too long on a table lock (55P03), its transaction is rolled back, so nothing of it took
     * effect, and it runs again after a pause, until {@code lockstep.ddl.max-wait}; the table's own
     * queries never queue behind it for longer than the lock timeout.
     */
    private void inTransaction(Connection connection, HeldLock lock, Step step, String markUndone)
            throws SQLException {
        Duration lockTimeout = engine.settings().get(LockstepSettings.DDL_LOCK_TIMEOUT);
        long deadline = System.nanoTime() + engine.settings().get(LockstepSettings.DDL_MAX_WAIT).toNanos();
        for (int attempt = 1; ; attempt++) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.execute(lock.fenceSql());
                if (!lockTimeout.isZero()) {
                    s.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                }
                for (Iterator<SqlStatement> it = step.down().openStatements(); it.hasNext(); ) {
                    execute(s, it.next(), step);
                }
                if (step.expanded()) {
                    ExpansionUndo.forget(connection, new ExpansionTable(engine.target().tracker(connection),
                            engine.target().table()), step.row().version());
                }
                s.execute(markUndone);
                connection.commit();
                return;
            } catch (StepFailed e) {
                connection.rollback();
                Duration pause = Duration.ofMillis(Math.min(10_000, 500L * attempt));
                if (!"55P03".equals(e.cause.getSQLState()) || System.nanoTime() + pause.toNanos() > deadline) {
                    throw e.rolledBack();
                }
                LOG.log(Level.WARNING, "Undo of " + step.row().id() + ": " + e.cause.getMessage() + " (lock_timeout "
                        + lockTimeout.toMillis() + " ms); its transaction was rolled back, trying again in "
                        + pause.toMillis() + " ms (attempt " + (attempt + 1) + ")");
                pause(pause);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockstepException("Undo was interrupted while it waited to try a down again; nothing of "
                    + "that migration was undone");
        }
    }

    private static void execute(Statement s, SqlStatement statement, Step step) throws SQLException {
        if (statement.copyRows().isPresent()) {
            throw new StepFailed(step, statement, new SQLException("COPY ... FROM STDIN is not supported in a down"));
        }
        try {
            s.execute(statement.text());
        } catch (SQLException e) {
            throw new StepFailed(step, statement, e);
        }
    }

    /** A down statement's failure, named by file and line. */
    private static final class StepFailed extends RuntimeException {
        private final transient Step step;
        private final transient SqlStatement statement;
        final SQLException cause;

        StepFailed(Step step, SqlStatement statement, SQLException cause) {
            super(cause.getMessage(), cause);
            this.step = step;
            this.statement = statement;
            this.cause = cause;
        }

        private String head() {
            return "Undo of " + step.row().id() + " failed: " + step.down().file() + " at line " + statement.line()
                    + ": " + cause.getMessage() + " [SQLState " + cause.getSQLState() + "]\n  Statement: "
                    + statement.oneLine(200) + "\n  ";
        }

        LockstepException rolledBack() {
            return new LockstepException(head() + "Its transaction was rolled back: this migration is still applied, "
                    + "and migrations undone before it stay undone. Fix the down SQL and run undo again.", cause);
        }

    }

    private UndoPlan describe(Tracker tracker, List<Step> steps) {
        return new UndoPlan(tracker.displayName(), steps.stream().map(step -> new UndoPlan.Step(step.row().version(),
                step.row().name(), step.down().file(), step.source(), step.down().facts().transactional(),
                step.down().text())).toList());
    }

    private static LockstepException failure(SQLException e) {
        return new LockstepException("Could not undo: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }
}
