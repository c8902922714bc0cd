package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.sql.SqlStatement;
import java.io.IOException;
import java.io.StringReader;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * Statements on their way to the server in one JDBC batch (one round trip), at most
 * {@value #BATCH_STATEMENTS} of them or about {@value #BATCH_CHARS} characters, so that the
 * driver never holds a whole large file. Knows which statement each batch entry was, so a
 * failure names its line without running anything again.
 */
final class StatementBatch {

    private static final int BATCH_STATEMENTS = 1000;
    private static final int BATCH_CHARS = 1 << 20;
    /** pgjdbc names the failed batch entry first in its message (not SQL text), in every language it translates to. */
    private static final Pattern FIRST_NUMBER = Pattern.compile("\\d+");

    private final Statement statement;
    /** The migration's statements in the batch being filled or sent, by entry. */
    private final List<SqlStatement> entries = new ArrayList<>();
    private int ownEntries;
    private long chars;
    /** The COPY whose rows are being sent, if one is. */
    private Optional<SqlStatement> copying = Optional.empty();

    StatementBatch(Statement statement) {
        this.statement = statement;
    }

    void add(SqlStatement sql) throws SQLException {
        statement.addBatch(sql.text());
        entries.add(sql);
        chars += sql.text().length();
        if (entries.size() >= BATCH_STATEMENTS || chars >= BATCH_CHARS) {
            flush();
        }
    }

    /** Lockstep's own statements, after the migration's. */
    void addOwn(String sql) throws SQLException {
        statement.addBatch(sql);
        ownEntries++;
    }

    void flush() throws SQLException {
        if (!entries.isEmpty() || ownEntries > 0) {
            statement.executeBatch();
        }
        entries.clear();
        ownEntries = 0;
        chars = 0;
    }

    void copy(Connection connection, SqlStatement sql) throws SQLException {
        copying = Optional.of(sql);
        copyIn(connection, sql);
        copying = Optional.empty();
    }

    /** The migration statement that failed; empty when the failure does not say, or was Lockstep's. */
    Optional<SqlStatement> failedStatement(SQLException failure) {
        if (copying.isPresent()) {
            return copying;
        }
        int index = failedEntry(failure);
        return index >= 0 && index < entries.size() ? Optional.of(entries.get(index)) : Optional.empty();
    }

    boolean failedInOwnStatements(SQLException failure) {
        return copying.isEmpty() && failedEntry(failure) >= entries.size();
    }

    /** Sends the rows that followed {@code COPY ... FROM stdin} in the file through the driver's copy API. */
    static void copyIn(Connection connection, SqlStatement sql) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql.text(), new StringReader(sql.copyRows().orElseThrow()));
        } catch (IOException e) {
            throw new SQLException("could not send the rows of COPY: " + e.getMessage(), "08006", e);
        }
    }

    /** The 0-based batch entry that failed, or -1 when the failure does not say. */
    private static int failedEntry(SQLException failure) {
        if (!(failure instanceof BatchUpdateException) || failure.getMessage() == null) {
            return -1;
        }
        Matcher number = FIRST_NUMBER.matcher(failure.getMessage());
        return number.find() ? Integer.parseInt(number.group()) : -1;
    }
}
