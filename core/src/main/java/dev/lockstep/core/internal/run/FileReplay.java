package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Map;

/**
 * Runs a file's statements as they are on a database that is not migrated for real (the round
 * trip's fresh clone, drift's scratch database): in one transaction when the file runs in one,
 * else one by one; no tracker, lock or retry. A failure names the file and the line.
 */
final class FileReplay {

    private final Connection connection;
    /** Starts each failure: "Round trip", "The replay". */
    private final String what;

    FileReplay(Connection connection, String what) {
        this.connection = connection;
        this.what = what;
    }

    /** Sets what the target's files run with (a tenant's search_path) for the rest of the session. */
    void set(Map<String, String> sessionSettings) throws SQLException {
        for (Map.Entry<String, String> setting : sessionSettings.entrySet()) {
            try (PreparedStatement set = connection.prepareStatement("SELECT set_config(?, ?, false)")) {
                set.setString(1, setting.getKey());
                set.setString(2, setting.getValue());
                set.execute();
            }
        }
    }

    /**
     * Runs a migration's up. A batched migration's statement changes rows, not the schema, and runs
     * only per batch with its keys filled: the replay skips it.
     */
    void runUp(LoadedMigration migration) throws SQLException {
        if (migration.facts().batched().isEmpty()) {
            run(migration.openStatements(), migration.transactional(), migration.file());
        }
    }

    void run(Iterator<SqlStatement> statements, boolean transactional, String file) throws SQLException {
        connection.setAutoCommit(!transactional);
        try (Statement s = connection.createStatement()) {
            while (statements.hasNext()) {
                SqlStatement statement = statements.next();
                try {
                    s.execute(statement.text());
                } catch (SQLException e) {
                    throw new LockstepException(what + ": " + file + " failed at line " + statement.line() + ": "
                            + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
                }
            }
            if (transactional) {
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (transactional) {
                connection.rollback();
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
