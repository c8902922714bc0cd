package dev.lockstep.core.internal.session;

import dev.lockstep.core.ConnectionOnlyDataSource;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connect retries and reconnects, against a port where nothing listens (a real "connection
 * refused") and then the test server: the timing of tries, the log lines and the errors.
 */
class ConnectorTest {

    @Test
    void triesAgainWithPausesThatDoubleUpToTheIntervalThenFailsNamingTheSetting() {
        ReachableAfter dataSource = new ReachableAfter(Integer.MAX_VALUE);
        Connector connector = new Connector(dataSource, 3, Duration.ofMillis(1500));

        List<String> log = dataSource.ours(LogCapture.during(Connector.class, () -> assertThatThrownBy(connector::connect)
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("Could not connect to the database in 4 tries")
                .hasMessageContaining("[SQLState 08001]")
                .hasMessageContaining("Raise lockstep.connect-retries")));

        assertThat(log).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("WARNING").doesNotContain("\tat "));
        assertThat(log.get(0)).contains("(try 1 of 4)").endsWith("trying again in 1000 ms");
        assertThat(log.get(1)).contains("(try 2 of 4)").endsWith("trying again in 1500 ms");
        assertThat(log.get(2)).contains("(try 3 of 4)").endsWith("trying again in 1500 ms");
    }

    @Test
    void withoutRetriesTheFirstFailureIsTheErrorAndSaysWhichSettingWaits() {
        ReachableAfter dataSource = new ReachableAfter(1);
        Connector connector = new Connector(dataSource, 0, Duration.ofSeconds(120));

        List<String> log = dataSource.ours(LogCapture.during(Connector.class, () -> assertThatThrownBy(connector::connect)
                .isInstanceOf(LockstepException.class)
                .hasMessageStartingWith("Could not connect to the database: ")
                .hasMessageContaining("set lockstep.connect-retries to wait for it")));

        assertThat(log).isEmpty();
        assertThat(dataSource.calls).hasValue(1);
    }

    /** Waiting does not make a database exist: the error says to create it, not to retry. */
    @Test
    void aDatabaseThatDoesNotExistIsToldToBeCreatedNotWaitedFor() {
        PGSimpleDataSource missing = new PGSimpleDataSource();
        missing.setURL(TestPostgres.get().jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/lockstep_no_such_database$1"));
        missing.setUser(TestPostgres.get().user());
        missing.setPassword(TestPostgres.get().password());
        Connector connector = new Connector(missing, 0, Duration.ofSeconds(120));

        assertThatThrownBy(connector::connect).isInstanceOf(LockstepException.class)
                .hasMessageContaining("database \"lockstep_no_such_database\" does not exist")
                .hasMessageContaining("[SQLState 3D000]. Create that database (CREATE DATABASE) or correct the URL")
                .hasMessageNotContaining("connect-retries");
    }

    @Test
    void aDatabaseThatComesUpWithinTheRetriesGivesTheConnection() throws Exception {
        ReachableAfter dataSource = new ReachableAfter(1);
        Connector connector = new Connector(dataSource, 1, Duration.ofSeconds(120));

        try (Connection connection = connector.connect()) {
            assertThat(selectOne(connection)).isTrue();
        }
        assertThat(dataSource.calls).hasValue(2);
    }

    @Test
    void aWaiterReconnectsOnceTheServerAnswers() throws Exception {
        ReachableAfter dataSource = new ReachableAfter(2);
        Connector connector = new Connector(dataSource, 0, Duration.ofSeconds(120));

        List<String> log = dataSource.ours(LogCapture.during(Connector.class, () -> {
            try (Connection connection = connector.reconnect(System.nanoTime() + Duration.ofSeconds(30).toNanos(),
                    new SQLException("lost", "57P01"))) {
                assertThat(selectOne(connection)).isTrue();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }));

        assertThat(dataSource.calls).hasValue(3);
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).startsWith("INFO Could not connect again yet").endsWith("trying again in 250 ms");
        assertThat(log.get(1)).endsWith("trying again in 500 ms");
    }

    @Test
    void aWaiterThatCannotReconnectBeforeItsDeadlineFailsWithBothCauses() {
        SQLException lost = new SQLException("terminating connection due to administrator command", "57P01");
        Connector connector = new Connector(new ReachableAfter(Integer.MAX_VALUE), 0, Duration.ofSeconds(120));

        assertThatThrownBy(() -> connector.reconnect(System.nanoTime() + Duration.ofMillis(300).toNanos(), lost))
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("could not connect again within lockstep.lock.timeout")
                .hasMessageContaining("Nothing was applied by this run")
                .satisfies(e -> assertThat(e.getCause().getSuppressed()).containsExactly(lost));
    }

    private static boolean selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.execute("SELECT 1");
        }
    }

    /** Refused (nothing listens on its port) for the first {@code refusals} calls, then the test server. */
    private static final class ReachableAfter extends ConnectionOnlyDataSource {

        private final int refusals;
        private final AtomicInteger calls = new AtomicInteger();
        private final PGSimpleDataSource refused = new PGSimpleDataSource();
        private final int port = closedPort();

        ReachableAfter(int refusals) {
            this.refusals = refusals;
            refused.setURL("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        }

        /** Test classes run two at a time (one restarts servers): only the lines about this port. */
        List<String> ours(List<String> lines) {
            return lines.stream().filter(line -> line.contains("127.0.0.1:" + port)).toList();
        }

        @Override
        public Connection getConnection() throws SQLException {
            return calls.incrementAndGet() <= refusals ? refused.getConnection() : TestPostgres.get().connect();
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
