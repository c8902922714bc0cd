package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.benchmarks.CostBreakdown.Category;
import dev.lockstep.benchmarks.CostBreakdown.Group;
import dev.lockstep.core.LintRule;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationVersion;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The breakdown is only as good as its categories: each of Lockstep's statements must land in its own. */
class CostBreakdownTest {

    private static final String TRACKER = "lockstep_applied_migrations";
    private static final String FILE = "-- Index it.\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n";

    @Test
    void tellsTheMigrationsStatementsFromLockstepsOwn() {
        assertThat(CostBreakdown.classify("CREATE INDEX CONCURRENTLY t_a_idx ON t (a)", FILE, TRACKER))
                .isEqualTo(Category.MIGRATION);
        assertThat(CostBreakdown.classify("INSERT INTO \"public\".\"lockstep_applied_migrations\" (version) VALUES (1)",
                FILE, TRACKER)).isEqualTo(Category.TRACKER);
        assertThat(CostBreakdown.classify("SELECT COALESCE(CASE WHEN pg_advisory_unlock(42) THEN CASE WHEN "
                + "pg_try_advisory_lock(42) THEN '1' END END, 'lockstep fence: ...')::int", FILE, TRACKER))
                .isEqualTo(Category.LOCK);
        assertThat(CostBreakdown.classify("SET lock_timeout = 0", FILE, TRACKER)).isEqualTo(Category.SESSION);
        assertThat(CostBreakdown.classify("DO $lockstep$\nDECLARE s record;\nBEGIN\nEND\n$lockstep$", FILE, TRACKER))
                .isEqualTo(Category.SESSION);
        assertThat(CostBreakdown.classify("SELECT set_config('client_connection_check_interval', '1s', false)", null,
                TRACKER)).isEqualTo(Category.SESSION);
        assertThat(CostBreakdown.classify("SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(?)",
                FILE, TRACKER)).isEqualTo(Category.OTHER);
    }

    @Test
    void aBatchIsOneRoundTripOfTheMigrationAndItsStatementsCountOneByOne() {
        CostBreakdown breakdown = new CostBreakdown(Map.of("1_a.up.sql", "CREATE TABLE a (id int);\n"), TRACKER);
        Migration migration = migration("filesystem:/tmp/set/1_a.up.sql", true);

        breakdown.migrationStarted(migration, 1, 1);
        breakdown.add(new CountingDataSource.Call(Connection.class, "setAutoCommit", List.of(), false, 1_000));
        breakdown.add(new CountingDataSource.Call(Statement.class, "executeBatch", List.of("CREATE TABLE a (id int)",
                "SELECT COALESCE(CASE WHEN pg_advisory_unlock(1) THEN '1' END, 'x')::int",
                "INSERT INTO lockstep_applied_migrations VALUES (1)"), true, 2_000_000));
        breakdown.add(new CountingDataSource.Call(Connection.class, "commit", List.of(), true, 500_000));
        breakdown.migrationApplied(migration, Duration.ofMillis(3));
        breakdown.add(new CountingDataSource.Call(DataSource.class, "getConnection", List.of(), false, 7_000));
        breakdown.finish(10_000_000);

        CostBreakdown.Tally tally = breakdown.tally(Group.TRANSACTIONAL);
        assertThat(tally.migrations).isEqualTo(1);
        assertThat(tally.roundTrips[Category.MIGRATION.ordinal()]).isEqualTo(1);
        assertThat(tally.roundTrips[Category.TRANSACTION.ordinal()]).isEqualTo(1);
        assertThat(tally.roundTrips[Category.LOCK.ordinal()]).isZero();
        assertThat(tally.statements[Category.LOCK.ordinal()]).isEqualTo(1);
        assertThat(tally.statements[Category.TRACKER.ordinal()]).isEqualTo(1);
        assertThat(tally.nanos[Category.MIGRATION.ordinal()]).isEqualTo(2_000_000);
        assertThat(tally.nanos[Category.DRIVER_ONLY.ordinal()]).isEqualTo(1_000);
        assertThat(tally.jdbcNanos()).isEqualTo(2_501_000);
        CostBreakdown.Tally outside = breakdown.tally(Group.OUTSIDE_MIGRATIONS);
        assertThat(outside.nanos[Category.OTHER.ordinal()]).isEqualTo(7_000);
        assertThat(outside.wallNanos).isEqualTo(10_000_000 - tally.wallNanos);
    }

    private static Migration migration(String file, boolean transactional) {
        return new Migration() {
            @Override
            public MigrationVersion version() {
                return MigrationVersion.of(1);
            }

            @Override
            public String name() {
                return "a";
            }

            @Override
            public String file() {
                return file;
            }

            @Override
            public String checksum() {
                return "0";
            }

            @Override
            public boolean transactional() {
                return transactional;
            }

            @Override
            public int statementCount() {
                return 1;
            }

            @Override
            public Set<LintRule> lintIgnored() {
                return Set.of();
            }
        };
    }
}
