package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.files.DownMigration;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;

/**
 * A down that runs outside a transaction ({@code DROP INDEX CONCURRENTLY}), journaled as migrate
 * journals an up: its row says {@code undoing} before its first statement, each statement runs in
 * autocommit after the fence, and the row says {@code undone} after the last. A process killed
 * half-way leaves {@code undoing}, which every later command reports. A down whose statements are all
 * concurrent index drops ({@link dev.lockstep.core.internal.files.FileFacts#resumable()}) is finished
 * as an interrupted migration of them is ({@link Resumption}): a drop whose index is gone is done,
 * one whose index is still there (INVALID, from a cancelled drop) runs again.
 */
final class DownOutsideTransaction {

    private final Connection connection;
    private final Tracker tracker;
    private final HeldLock lock;

    DownOutsideTransaction(Connection connection, Tracker tracker, HeldLock lock) {
        this.connection = connection;
        this.tracker = tracker;
        this.lock = lock;
    }

    /**
     * Runs the down of {@code row}; an {@code undoing} row is resumed, which only a resumable down may be.
     *
     * @param markUndone the statement that puts the session back and marks the row undone, sent after the last
     * @throws LockstepException naming the file, the line, what took effect and the commands that end it
     */
    void run(AppliedRow row, DownMigration down, String markUndone, String undoneBy) throws SQLException {
        boolean resuming = row.undoing();
        int ran = 0;
        SqlStatement current = null;
        try (Statement s = connection.createStatement()) {
            if (!resuming) {
                s.execute(lock.fenceSql());
                if (s.executeUpdate(tracker.markUndoingSql(row.id(), undoneBy)) != 1) {
                    throw new LockstepException("The row of " + row.id() + " in " + tracker.displayName() + " is no "
                            + "longer 'applied'; nothing of its down ran.");
                }
            }
            for (Iterator<SqlStatement> it = down.openStatements(); it.hasNext(); ) {
                current = it.next();
                if (resuming && Resumption.alreadyDone(connection, down.file(), current)) {
                    continue;
                }
                s.execute(lock.fenceSql());
                if (current.copyRows().isPresent()) {
                    throw new SQLException("COPY ... FROM STDIN is not supported in a down");
                }
                s.execute(current.text());
                ran++;
            }
            s.execute(lock.fenceSql());
            s.execute(markUndone);
        } catch (SQLException e) {
            throw failed(row, down, current, ran, resuming, e);
        }
    }

    /**
     * What a failed down left, said truthfully: when nothing ran and the failed statement changes
     * nothing half-way, the row goes back to {@code applied}; otherwise it stays {@code undoing} and
     * the message names the commands that end it either way.
     */
    private LockstepException failed(AppliedRow row, DownMigration down, SqlStatement statement, int ran,
            boolean resuming, SQLException e) {
        String head = "Undo of " + row.id() + " failed: " + down.file() + (statement == null ? ""
                : " at line " + statement.line()) + ": " + e.getMessage() + " [SQLState " + e.getSQLState() + "]"
                + (statement == null ? "" : "\n  Statement: " + statement.oneLine(200)) + "\n  ";
        boolean leftNothing = !resuming && ran == 0 && statement != null && statement.facts().partWay().isEmpty();
        if (leftNothing && !HeldLock.isFenceFailure(e)) {
            try (Statement s = connection.createStatement()) {
                s.execute(tracker.backToAppliedSql(row.id()));
                return new LockstepException(head + "No statement of it took effect (it runs outside a transaction, "
                        + "and the first one failed), so its row is 'applied' again. Fix the down and run undo "
                        + "again.", e);
            } catch (SQLException putBack) {
                e.addSuppressed(putBack);
            }
        }
        String how = down.facts().resumable() ? "Every statement of it is a concurrent index drop: run undo again "
                + "(or start the service: migrate finishes it) to finish it. Or "
                : "Check the schema against the down, then ";
        return new LockstepException(head + (ran == 0 ? "No statement of it had completed"
                : "Its first " + ran + " statement(s) " + (resuming ? "this time " : "") + "took effect")
                + " (it runs outside a transaction), and its row in " + tracker.displayName() + " says 'undoing'. "
                + how + "either finish the remaining statements by hand and run " + tracker.finishUndoSql(row.id())
                + " (lockstep-cli mark-undone " + row.id().cliOptions() + "), or put back what took effect and run "
                + tracker.backToAppliedSql(row.id()) + " (lockstep-cli mark-applied " + row.id().cliOptions() + ").",
                e);
    }
}
