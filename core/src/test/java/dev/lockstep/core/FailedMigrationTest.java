package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A failing migration leaves nothing half-recorded, and the error says where and what next. */
class FailedMigrationTest extends SchemaTestBase {

    @Test
    void aTransactionalMigrationFailingHalfWayLeavesTheSchemaAndTrackerUnchanged() {
        files.add("1_ok.up.sql", "CREATE TABLE ok (id int);")
                .add("2_half.up.sql", """
                        CREATE TABLE half (id int);
                        INSERT INTO half VALUES (1);

                        -- the next statement fails
                        INSERT INTO half VALUES ('not a number');
                        """);

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
                    assertThat(e.file()).endsWith("2_half.up.sql");
                    assertThat(e.line()).isEqualTo(5);
                })
                .hasMessageContaining("2_half.up.sql failed at line 5")
                .hasMessageContaining("invalid input syntax for type integer")
                .hasMessageContaining("rolled back");
        assertThat(Sql.value(schema, "SELECT to_regclass('half')")).isNull();
        assertThat(Sql.tracker(schema)).containsExactly("1_ok:applied");
    }

    /** A long failing statement is shown on one line, cut after 200 characters. */
    @Test
    void theFailingStatementIsQuotedOnOneLineAndCut() {
        String columns = "a int,\n  b int,\n  " + "c".repeat(250) + " int";
        files.add("1_long.up.sql", "CREATE TABLE long_one (\n  " + columns + ",\n  a int\n);\n");

        assertThatThrownBy(this::migrate)
                .hasMessageContaining("column \"a\" specified more than once")
                .hasMessageContaining("Statement: CREATE TABLE long_one ( a int, b int, ccc")
                .hasMessageContaining("c".repeat(150) + " ...")
                .hasMessageNotContaining("c".repeat(200));
    }

    /**
     * A sequence advances outside any transaction: had the failed migration been run again to find
     * its line (as Lockstep once did), the sequence would stand at 2.
     */
    @Test
    void aFailedMigrationRunsOnceAndItsLineComesFromTheFailureItself() {
        Sql.execute(schema, "CREATE SEQUENCE " + schema.name() + ".runs");
        files.add("1_counted.up.sql", "SELECT nextval('runs');\nSELECT 1 / 0;\n");

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFailedException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining("division by zero");

        assertThat(Sql.count(schema, "SELECT last_value FROM " + schema.name() + ".runs")).isEqualTo(1);
    }

    @Test
    void aFailedNonTransactionalMigrationLeavesARunningRowAndTheNextRunStopsWithTheFix() {
        files.add("1_table.up.sql", "CREATE TABLE t (id int);")
                .add("2_indexes.up.sql", """
                        CREATE INDEX CONCURRENTLY t_id_idx ON t (id);
                        CREATE INDEX CONCURRENTLY t_missing_idx ON t (missing_column);
                        ANALYZE t;
                        """);

        assertThatThrownBy(this::migrate)
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("2_indexes.up.sql failed at line 2")
                .hasMessageContaining("missing_column")
                .hasMessageContaining("'running'");
        assertThat(Sql.tracker(schema)).containsExactly("1_table:applied", "2_indexes:running");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("2_indexes was interrupted")
                .hasMessageContaining("Check the schema")
                .hasMessageContaining("UPDATE \"" + schema.name() + "\".\"lockstep_applied_migrations\" SET state = 'applied' WHERE version = 2 AND version_text = '' AND name = 'indexes';")
                .hasMessageContaining("DELETE FROM \"" + schema.name() + "\".\"lockstep_applied_migrations\" WHERE version = 2 AND version_text = '' AND name = 'indexes';");

        // The operator follows the message: the first index exists, so finish by hand and mark it.
        Sql.execute(schema, "UPDATE lockstep_applied_migrations SET state = 'applied' WHERE version = 2");
        assertThat(migrate().applied()).isEmpty();
    }

    @Test
    void theStatementTimeoutBoundsEachStatementAndTheErrorSaysWhichSetting() {
        files.add("1_slow.up.sql", "SELECT pg_sleep(5);");

        assertThatThrownBy(() -> configure().statementTimeout(Duration.ofMillis(100)).load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("statement timeout")
                .hasMessageContaining("lockstep.statement-timeout");
        assertThat(Sql.tracker(schema)).isEmpty();
    }

    @Test
    void aFailingHookStopsTheRunBeforeItsMigration() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        MigrationHook failing = new MigrationHook() {
            @Override
            public boolean appliesTo(Migration migration) {
                return migration.version().is(2);
            }

            @Override
            public void beforeMigration(Migration migration, javax.sql.DataSource dataSource) {
                throw new IllegalStateException("backfill failed");
            }
        };

        assertThatThrownBy(() -> configure().hook(failing).load().migrate())
                .hasMessageContaining("backfill failed").hasMessageContaining("2_b.up.sql");
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied");
    }
}
