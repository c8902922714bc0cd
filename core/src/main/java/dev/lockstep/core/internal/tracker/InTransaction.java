package dev.lockstep.core.internal.tracker;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Lockstep's own writes to the tracker that must land whole or not at all (a baseline, an
 * adoption, an upgrade of the table), on the run's connection, whose auto-commit is put back.
 */
public final class InTransaction {

    /** The work, given a statement of the transaction. */
    @FunctionalInterface
    public interface Work {
        void run(Statement statement) throws SQLException;
    }

    private InTransaction() {
    }

    public static void run(Connection connection, Work work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            work.run(statement);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
