package dev.lockstep.core.internal.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Lockstep's own statements around a statement that runs outside a transaction (the tracker row,
 * the fence, the session's timeout, the index's state), sent as one query string: one round trip,
 * which PostgreSQL runs as one implicit transaction, in order, stopping at the first that fails,
 * so that either all of them took effect or none did.
 */
final class OwnStatements {

    private final List<String> statements = new ArrayList<>();

    /** Adds a statement; returns its position among the results {@link #send} returns. */
    int add(String sql) {
        statements.add(sql);
        return statements.size() - 1;
    }

    /**
     * Runs them, in autocommit. Each result is the statement's update count, or for a query the
     * first column of its first row (null when it returned none).
     */
    List<Object> send(Statement session) throws SQLException {
        List<Object> results = new ArrayList<>(statements.size());
        if (statements.isEmpty()) {
            return results;
        }
        boolean isQuery = session.execute(String.join(";\n", statements));
        for (int i = 0; i < statements.size(); i++) {
            if (isQuery) {
                try (ResultSet rs = session.getResultSet()) {
                    results.add(rs.next() ? rs.getObject(1) : null);
                }
            } else {
                results.add(session.getUpdateCount());
            }
            isQuery = session.getMoreResults();
        }
        return results;
    }
}
