package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Many replicas starting at once against one database: each migration applied exactly once. The
 * migrations are deliberately not idempotent, so a second application is an error or a visible
 * duplicate, never silent.
 */
class ConcurrentRunnersTest extends SchemaTestBase {

    private static final int RUNNERS = Scenario.RUNNERS;

    @BeforeEach
    void writeMigrations() {
        Scenario.write(files);
    }

    Lockstep engine(DataSource dataSource) {
        return Lockstep.configure().dataSource(dataSource).locations(files.location()).load();
    }

    Lockstep engine(DataSource dataSource, Rendezvous rendezvous) {
        return configure(dataSource, rendezvous).load();
    }

    LockstepConfiguration configure(DataSource dataSource, Rendezvous rendezvous) {
        return Lockstep.configure().dataSource(dataSource).locations(files.location()).listener(rendezvous);
    }

    /**
     * Holds each runner, once it has read what is pending, until all have (or a second has passed):
     * the interleaving that makes double application certain when nothing serializes the runners.
     * With the lock only the holder gets there first; it waits out the second, the barrier breaks,
     * and everyone after passes straight through.
     */
    static final class Rendezvous implements LockstepListener {
        private final CyclicBarrier barrier;

        Rendezvous(int parties) {
            this.barrier = new CyclicBarrier(parties);
        }

        @Override
        public void pendingResolved(List<Migration> pending, int alreadyApplied) {
            try {
                barrier.await(1, TimeUnit.SECONDS);
            } catch (TimeoutException | BrokenBarrierException e) {
                // The lock kept the others away: carry on alone.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @RepeatedTest(5)
    void sixteenRunnersEachWithItsOwnDataSourceApplyEveryMigrationOnce() {
        Rendezvous rendezvous = new Rendezvous(RUNNERS);
        List<Runners.Outcome> outcomes = Runners.runAll(RUNNERS,
                i -> engine(schema.dataSource(), rendezvous));

        Scenario.assertEachAppliedOnce(schema, outcomes);
    }

    @Test
    void sixteenRunnersSharingOnePoolApplyEveryMigrationOnce() {
        DataSource pool = schema.pool(RUNNERS);

        Scenario.assertEachAppliedOnce(schema, Runners.runAll(RUNNERS, i -> engine(pool)));
    }

    @Test
    void withoutTheLockTheSameRunIsCaughtApplyingMigrationsTwice() {
        // The proof that the test above can fail: the same runners, the same rendezvous and the
        // same assertions, with the advisory lock replaced by a no-op.
        Rendezvous rendezvous = new Rendezvous(RUNNERS);
        List<Runners.Outcome> outcomes = Runners.runAll(RUNNERS,
                i -> TestEngines.withLocks(configure(schema.dataSource(), rendezvous), NoLock.FACTORY));

        assertThatThrownBy(() -> Scenario.assertEachAppliedOnce(schema, outcomes)).isInstanceOf(AssertionError.class);
    }

    @Test
    void sixteenRunnersAgainstAMigratedSchemaChangeNothing() {
        engine(schema.dataSource()).migrate();
        List<Map<String, Object>> trackerBefore = Sql.rows(schema, "SELECT * FROM lockstep_applied_migrations ORDER BY version");
        List<Map<String, Object>> accountsBefore = Sql.rows(schema, "SELECT * FROM accounts ORDER BY id");

        List<Runners.Outcome> outcomes = Runners.runAll(RUNNERS, i -> engine(schema.dataSource()));

        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.error()).isNull();
            assertThat(o.report().applied()).isEmpty();
            assertThat(o.report().alreadyApplied()).isEqualTo(5);
        });
        assertThat(Sql.rows(schema, "SELECT * FROM lockstep_applied_migrations ORDER BY version")).isEqualTo(trackerBefore);
        assertThat(Sql.rows(schema, "SELECT * FROM accounts ORDER BY id")).isEqualTo(accountsBefore);
    }

    @Test
    void aPoolWithHalfAsManyConnectionsAsRunnersDoesNotDeadlock() {
        // Each runner pins one connection for its whole run, waiting ones included: the lock loop
        // must never need a second connection, or eight holders would wait on eight more forever.
        DataSource pool = schema.pool(RUNNERS / 2);

        List<Runners.Outcome> outcomes = Runners.start(RUNNERS, i -> engine(pool)).await(Duration.ofSeconds(90));

        Scenario.assertEachAppliedOnce(schema, outcomes);
    }
}
