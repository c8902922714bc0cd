package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL builds an index in its table's schema, whatever {@code search_path} says (the name in
 * {@code CREATE INDEX} cannot be qualified). Healing, the INVALID check after a failed build and
 * {@code IF NOT EXISTS} read the index there. Each test also shows that the index's name looked up
 * on {@code search_path} ({@code to_regclass('big_v_idx')}, as Lockstep once did) finds the wrong
 * index or none, so a lookup there fails these tests: a crash loop on 42P07, a migration recorded
 * applied with an INVALID index, a leftover INVALID index reported as "nothing took effect".
 */
class IndexInItsTablesSchemaTest extends SchemaTestBase {

    /** A schema that is not on the runs' {@code search_path} (the test schema alone is). */
    private String sales;

    @BeforeEach
    void tableOffTheSearchPath() {
        sales = schema.name() + "_sales";
        Sql.execute(schema, "CREATE SCHEMA " + sales + "; CREATE TABLE " + sales + ".big (id int, v int); INSERT INTO "
                + sales + ".big SELECT g, g FROM generate_series(1, 1000) g");
    }

    @AfterEach
    void dropIt() {
        Sql.execute(schema, "DROP SCHEMA IF EXISTS " + sales + " CASCADE");
    }

    private LockstepConfiguration named() {
        return configure().lockKey(schema.lockKey()).runnerName(schema.name()).ddlLockTimeout(Duration.ofMillis(200))
                .ddlMaxWait(Duration.ofSeconds(60));
    }

    /** {@code pg_index.indisvalid} of the index {@code name} in {@code nspname}; null when there is none. */
    private Object validIn(String nspname, String name) {
        return Sql.value(schema, "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + nspname + "' AND c.relname = '"
                + name + "'");
    }

    /** A writer's open transaction on the table: a concurrent build waits for it to end, by design. */
    private Connection openWriter() throws SQLException {
        Connection writer = schema.connect();
        writer.setAutoCommit(false);
        try (Statement s = writer.createStatement()) {
            s.execute("INSERT INTO " + sales + ".big VALUES (0, 0)");
        }
        return writer;
    }

    /** A run whose build waits for the writer, its backend terminated once the INVALID index exists. */
    private void killedMidBuild() throws Exception {
        try (Connection writer = openWriter()) {
            CompletableFuture<MigrationReport> run = CompletableFuture.supplyAsync(() -> named().load().migrate());
            assertThat(Poll.until(Duration.ofSeconds(30), () -> Boolean.FALSE.equals(validIn(sales, "big_v_idx"))))
                    .isTrue();
            Sql.value(schema, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                    + "'lockstep " + schema.name() + "@%'");
            assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).cause()
                    .hasMessageContaining("[SQLState 57P01]")
                    .hasMessageContaining("the next start finishes it by itself");
            writer.rollback();
        }
        assertThat(Sql.tracker(schema)).containsExactly("1_big_v:running");
    }

    @Test
    void aBuildKilledOnATableOffTheSearchPathIsFinishedByTheNextStart() throws Exception {
        files.add("1_big_v.up.sql", "CREATE INDEX CONCURRENTLY big_v_idx ON " + sales + ".big (v);");
        killedMidBuild();
        assertThat(Sql.value(schema, "SELECT to_regclass('big_v_idx')"))
                .as("on search_path the name finds nothing: a lookup there rebuilds into 42P07 at every start").isNull();

        assertThat(named().load().migrate().applied()).hasSize(1);

        assertThat(validIn(sales, "big_v_idx")).isEqualTo(true);
        assertThat(Sql.tracker(schema)).containsExactly("1_big_v:applied");
    }

    @Test
    void aValidIndexOfTheSameNameOnTheSearchPathIsNotTakenForTheInterruptedOne() throws Exception {
        Sql.execute(schema, "CREATE TABLE t (v int); CREATE INDEX big_v_idx ON t (v)");
        files.add("1_big_v.up.sql", "CREATE INDEX CONCURRENTLY big_v_idx ON " + sales + ".big (v);");
        killedMidBuild();
        assertThat(Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('big_v_idx')"))
                .as("on search_path the name finds the valid index on t: a lookup there records the build as done")
                .isEqualTo(true);

        assertThat(named().load().migrate().applied()).hasSize(1);

        assertThat(validIn(sales, "big_v_idx")).as("never recorded applied with an INVALID index").isEqualTo(true);
        assertThat(validIn(schema.name(), "big_v_idx")).isEqualTo(true);
        assertThat(Sql.tracker(schema)).containsExactly("1_big_v:applied");
    }

    @Test
    void aFailedUniqueBuildOnATableOffTheSearchPathHasItsInvalidIndexDroppedAndSaysSo() {
        Sql.execute(schema, "INSERT INTO " + sales + ".big VALUES (1, 1)");
        files.add("1_big_id.up.sql", "CREATE UNIQUE INDEX CONCURRENTLY big_id_uq ON " + sales + ".big (id);");

        assertThatThrownBy(() -> named().load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("[SQLState 23505]")
                .hasMessageContaining("Nothing took effect: the INVALID index " + sales + ".big_id_uq the build left "
                        + "was dropped (DROP INDEX CONCURRENTLY)");

        assertThat(validIn(sales, "big_id_uq")).as("no INVALID index outlives the failure").isNull();
        assertThat(Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations")).isZero();
    }

    @Test
    void ifNotExistsFindsTheInvalidIndexInItsTablesSchemaNotAnotherOnTheSearchPath() throws Exception {
        Sql.execute(schema, "CREATE TABLE t (v int); CREATE INDEX big_v_idx ON t (v)");
        files.add("1_big_v.up.sql", "CREATE INDEX CONCURRENTLY big_v_idx ON " + sales + ".big (v);");
        killedMidBuild();
        // An operator clears the row instead of letting the next start finish it; the file now says IF NOT EXISTS.
        Sql.execute(schema, "DELETE FROM lockstep_applied_migrations");
        files.add("1_big_v.up.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS big_v_idx ON " + sales + ".big (v);");

        assertThatThrownBy(() -> named().load().migrate())
                .hasMessageContaining("the index " + sales + ".big_v_idx exists but is INVALID")
                .hasMessageContaining("DROP INDEX CONCURRENTLY IF EXISTS " + sales + ".big_v_idx");
        assertThat(validIn(sales, "big_v_idx")).isEqualTo(false);
    }
}
