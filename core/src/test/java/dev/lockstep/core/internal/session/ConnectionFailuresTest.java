package dev.lockstep.core.internal.session;

import dev.lockstep.core.Poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Which failures mean the session is gone: a waiter that lost its connection reconnects, and a
 * run whose connection died says so instead of "rolled back", so the distinction must be exact.
 */
class ConnectionFailuresTest {

    @Test
    void connectionClassAndServerGoingAwayStatesMeanTheSessionIsGone() {
        assertThat(lost(new SQLException("An I/O error occurred", "08006"))).isTrue();
        assertThat(lost(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(lost(new SQLException("terminating connection due to crash of another backend", "57P02"))).isTrue();
        assertThat(lost(new SQLException("the database system is starting up", "57P03"))).isTrue();
    }

    @Test
    void aFailedStatementIsNotALostSession() {
        assertThat(lost(new SQLException("relation \"t\" does not exist", "42P01"))).isFalse();
        assertThat(lost(new SQLException("canceling statement due to statement timeout", "57014"))).isFalse();
        assertThat(lost(new SQLException("no state"))).isFalse();
    }

    @Test
    void aLostSessionIsFoundInTheCauseOrTheNextException() {
        SQLException wrapped = new SQLException("batch failed", "XX000", new SQLException("I/O", "08006"));
        assertThat(lost(wrapped)).isTrue();

        SQLException batch = new SQLException("Batch entry 0 was aborted", "42P01");
        batch.setNextException(new SQLException("terminating connection", "57P01"));
        assertThat(lost(batch)).isTrue();

        SQLException statementOnly = new SQLException("Batch entry 0 was aborted", "42P01");
        statementOnly.setNextException(new SQLException("relation does not exist", "42P01"));
        assertThat(lost(statementOnly)).isFalse();
    }

    @Test
    void aClosedConnectionMeansTheSessionIsGoneWhateverTheState() throws SQLException {
        Connection connection = TestPostgres.get().connect();
        SQLException failure = new SQLException("something odd", "XX000");
        assertThat(ConnectionFailures.isConnectionLost(failure, connection)).isFalse();

        connection.close();

        assertThat(ConnectionFailures.isConnectionLost(failure, connection)).isTrue();
    }

    /** Without a pool that can evict one connection, discarding closes it: its backend, and any lock on it, end. */
    @Test
    void aDiscardedConnectionOfAPlainDataSourceIsClosedAndItsBackendEnds() throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestPostgres.get().jdbcUrl());
        dataSource.setUser(TestPostgres.get().user());
        dataSource.setPassword(TestPostgres.get().password());
        Connection connection = dataSource.getConnection();
        int pid;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }

        ConnectionFailures.discard(connection, dataSource);

        assertThat(connection.isClosed()).isTrue();
        assertThat(Poll.until(Duration.ofSeconds(10), () -> backendsWithPid(pid) == 0)).as("backend ended").isTrue();
    }

    private static int backendsWithPid(int pid) {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean lost(SQLException failure) {
        return ConnectionFailures.isConnectionLost(failure, null);
    }
}
