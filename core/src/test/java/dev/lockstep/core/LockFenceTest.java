package dev.lockstep.core;

import dev.lockstep.core.internal.lock.AdvisoryLock;
import dev.lockstep.core.internal.lock.RunLock;
import dev.lockstep.core.internal.run.Listeners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.lock.LockAcquisition;
import java.sql.Connection;
import java.util.Optional;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Work runs only while this session provably holds the lock: a migration that releases it is stopped. */
class LockFenceTest extends SchemaTestBase {

    private String holdersSeen() {
        return "CREATE TABLE lock_holders AS SELECT count(*) AS holders FROM pg_locks WHERE locktype = 'advisory' "
                + "AND granted AND objid::bigint = " + (schema.lockKey() & 0xFFFF_FFFFL) + ";";
    }

    @Test
    void aTransactionalMigrationThatReleasesTheLockIsRolledBackAndNotRecorded() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);")
                .add("2_unlock.up.sql", "CREATE TABLE b (id int);\nSELECT pg_advisory_unlock_all();\n" + holdersSeen());

        assertThatThrownBy(() -> configure().lockKey(schema.lockKey()).load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("Stopped migration " + files.location())
                .hasMessageContaining("2_unlock.up.sql after its last statement")
                .hasMessageContaining("no longer holds the migration lock")
                .hasMessageContaining("pg_advisory_unlock_all()")
                .hasMessageContaining("rolled back and nothing was recorded");

        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied");
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".b')")).isNull();
    }

    /** The negative control: without the fence the same file runs while nobody holds the lock, and is recorded. */
    @Test
    void withoutTheFenceTheMigrationRunsUnlockedAndIsRecorded() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);")
                .add("2_unlock.up.sql", "CREATE TABLE b (id int);\nSELECT pg_advisory_unlock_all();\n" + holdersSeen());
        Lockstep unfenced = TestEngines.withLocks(configure().lockKey(schema.lockKey()),
                (key, timeout, interval, listener) -> new Unfenced(new AdvisoryLock(key, timeout, interval, listener)));

        unfenced.migrate();

        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied", "2_unlock:applied");
        assertThat(Sql.count(schema, "SELECT holders FROM lock_holders")).as("lock holders during 2_unlock").isZero();
    }

    @Test
    void aNonTransactionalMigrationThatReleasesTheLockStopsBeforeItsNextStatement() {
        files.add("1_unlock.up.sql", "-- lockstep:transaction=false\nCREATE TABLE b (id int);\n"
                + "SELECT pg_advisory_unlock_all();\nCREATE TABLE c (id int);\n");

        assertThatThrownBy(() -> configure().lockKey(schema.lockKey()).load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("1_unlock.up.sql before line 4")
                .hasMessageContaining("no longer holds the migration lock")
                .hasMessageContaining("stays 'running'")
                .satisfies(e -> assertThat(((MigrationFailedException) e).line()).isEqualTo(4));

        assertThat(Sql.tracker(schema)).containsExactly("1_unlock:running");
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".c')")).isNull();
    }

    /** The advisory lock without its fence: everything else as in production. */
    private record Unfenced(AdvisoryLock lock) implements RunLock {
        @Override
        public <T> LockAcquisition<T> acquire(Connection connection, DoneByOthers<T> doneByOthers,
                long waitStartedNanos) throws SQLException {
            LockAcquisition<T> acquisition = lock.acquire(connection, doneByOthers, waitStartedNanos);
            if (acquisition instanceof LockAcquisition.Held<T> held) {
                return new LockAcquisition.Held<>(new WithoutFence(held.lock()), held.waited());
            }
            return acquisition;
        }

        @Override
        public Optional<HeldLock> tryAcquire(Connection connection) throws SQLException {
            return lock.tryAcquire(connection).map(WithoutFence::new);
        }
    }

    private record WithoutFence(HeldLock held) implements HeldLock {
        @Override
        public String fenceSql() {
            return "SELECT 1";
        }

        @Override
        public void close() throws SQLException {
            held.close();
        }
    }
}
