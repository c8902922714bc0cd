package dev.lockstep.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The JUnit extension, run through JUnit's own test kit on small test classes below (static
 * nested classes: Surefire and the IDE's "run all" leave them to the kit).
 */
class LockstepDatabaseExtensionTest {

    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    @Test
    void parametersGetTheClassesCloneAndItIsDroppedAfterTheClass() throws Exception {
        SEEN.clear();
        Events tests = run(OneClonePerClass.class);

        tests.assertStatistics(stats -> stats.succeeded(2).failed(0));
        assertThat(SEEN).hasSize(1);
        assertThat(exists(SEEN.iterator().next())).isFalse();
    }

    @Test
    void methodScopeGivesEachTestItsOwnClone() throws Exception {
        SEEN.clear();
        Events tests = run(OneClonePerMethod.class);

        tests.assertStatistics(stats -> stats.succeeded(2).failed(0));
        assertThat(SEEN).hasSize(2);
        for (String name : SEEN) {
            assertThat(exists(name)).isFalse();
        }
    }

    @Test
    void theCloneOfAFailedTestIsKeptWhenAskedAndItsNameIsPrinted() throws Exception {
        SEEN.clear();
        Events tests = run(FailsAndKeeps.class);

        tests.assertStatistics(stats -> stats.failed(1));
        String kept = SEEN.iterator().next();
        try {
            assertThat(exists(kept)).isTrue();
            try (Connection c = DatabaseServer.forTests().dataSource(kept).getConnection();
                    Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM note")) {
                rs.next();
                assertThat(rs.getInt(1)).as("what the failed test wrote is there to look at").isEqualTo(2);
            }
        } finally {
            new ClonedDatabase(DatabaseServer.forTests(), kept).drop();
        }
    }

    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    private static boolean exists(String database) throws SQLException {
        try (Connection c = DatabaseServer.forTests().connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            return rs.next();
        }
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @LockstepDatabase(locations = "classpath:db/notes")
    static class OneClonePerClass {

        @Test
        void first(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                SEEN.add(currentDatabase(c));
            }
        }

        @Test
        void second(Connection connection, ClonedDatabase clone) throws SQLException {
            assertThat(currentDatabase(connection)).isEqualTo(clone.name());
            SEEN.add(clone.name());
        }
    }

    @LockstepDatabase(locations = "classpath:db/notes", scope = LockstepDatabase.Scope.METHOD)
    static class OneClonePerMethod {

        @Test
        void first(ClonedDatabase clone) {
            SEEN.add(clone.name());
        }

        @Test
        void second(ClonedDatabase clone) {
            SEEN.add(clone.name());
        }
    }

    @LockstepDatabase(locations = "classpath:db/notes", keepOnFailure = true)
    static class FailsAndKeeps {

        @Test
        void fails(Connection connection, ClonedDatabase clone) throws SQLException {
            SEEN.add(clone.name());
            try (Statement s = connection.createStatement()) {
                s.execute("INSERT INTO note VALUES (2, 'left behind by a failing test')");
            }
            assertThat(List.of()).as("fails on purpose").isNotEmpty();
        }
    }
}
