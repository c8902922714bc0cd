package dev.lockstep.core;

import dev.lockstep.test.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** An outside session holding an advisory lock, as another tool or a stuck replica would. */
public final class Holder implements AutoCloseable {

    public static final String APPLICATION_NAME = "external-lock-holder";

    private final Connection connection;
    private final long key;
    private final int pid;

    public Holder(TestSchema schema, long key) throws SQLException {
        this.connection = schema.connect();
        this.key = key;
        try (Statement s = connection.createStatement()) {
            s.execute("SET application_name = '" + APPLICATION_NAME + "'");
        }
        this.pid = queryInt("SELECT pg_backend_pid()");
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
        }
    }

    public int pid() {
        return pid;
    }

    public void release() throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setLong(1, key);
            unlock.execute();
        }
    }

    private int queryInt(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
