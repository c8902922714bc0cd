package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.internal.run.UndoCommand;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Undo on a real server: downs kept in the tracker, run in reverse order under the lock, rows kept as undone. */
class UndoTest extends SchemaTestBase {

    @BeforeEach
    void twoMigrationsWithDowns() {
        files.add("1_customers.up.sql", "CREATE TABLE customers (id bigint PRIMARY KEY, email text);")
                .add("1_customers.down.sql", "DROP TABLE customers;")
                .add("2_customers_email.up.sql", "CREATE INDEX CONCURRENTLY customers_email ON customers (email);")
                .add("2_customers_email.down.sql", "DROP INDEX CONCURRENTLY customers_email;");
    }

    private LockstepConfiguration locked() {
        return configure().lockKey(schema.lockKey()).runnerName("undo-test");
    }

    @Test
    void undoRunsTheDownsHighestFirstInAndOutsideATransactionAndTheNextMigrateAppliesThemAgain() {
        migrate();
        Lockstep lockstep = locked().load();

        UndoPlan plan = lockstep.planUndo(UndoTarget.last(2));
        assertThat(plan.steps()).extracting(UndoPlan.Step::name).containsExactly("customers_email", "customers");
        assertThat(plan.steps()).extracting(UndoPlan.Step::transactional).containsExactly(false, true);
        assertThat(plan.describe()).contains("DROP INDEX CONCURRENTLY customers_email;")
                .contains("kept in the tracker");

        UndoPlan undone = lockstep.undo(UndoTarget.last(2), plan);

        assertThat(undone).isEqualTo(plan);
        assertThat(Sql.value(schema, "SELECT to_regclass('customers')")).isNull();
        assertThat(Sql.tracker(schema)).containsExactly("1_customers:undone", "2_customers_email:undone");
        assertThat(Sql.value(schema, "SELECT string_agg(DISTINCT undone_by, ',') FROM lockstep_applied_migrations"))
                .asString().startsWith("undo-test@");

        assertThat(migrate().applied()).hasSize(2);
        assertThat(Sql.tracker(schema)).containsExactly("1_customers:applied", "2_customers_email:applied");
        assertThat(Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'customers_email'::regclass"))
                .isEqualTo(true);
    }

    @Test
    void aMigrationNoLongerInTheFilesIsUndoneWithTheDownItsRowKept() {
        migrate();
        files.delete("2_customers_email.up.sql");
        files.delete("2_customers_email.down.sql");

        UndoPlan undone = locked().load().undo(UndoTarget.to("1"), null);

        assertThat(undone.steps()).singleElement().satisfies(step -> {
            assertThat(step.source()).isEqualTo("kept in the tracker");
            assertThat(step.downFile()).endsWith("2_customers_email.down.sql");
        });
        assertThat(Sql.value(schema, "SELECT to_regclass('customers_email')")).isNull();
        assertThat(Sql.tracker(schema)).containsExactly("1_customers:applied", "2_customers_email:undone");
    }

    @Test
    void aMigrationWithoutADownStopsTheUndoBeforeAnythingRuns() {
        files.add("3_orders.up.sql", "CREATE TABLE orders (id bigint);");
        migrate();

        assertThatThrownBy(() -> locked().load().undo(UndoTarget.last(3), null))
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("Cannot undo: 3_orders (orders) has no down SQL")
                .hasMessageContaining("nothing was undone");

        assertThat(Sql.tracker(schema)).containsExactly("1_customers:applied", "2_customers_email:applied",
                "3_orders:applied");
        assertThat(Sql.value(schema, "SELECT to_regclass('customers_email')")).isNotNull();
    }

    @Test
    void aFailingDownInATransactionIsRolledBackAndNamesItsFileAndLine() {
        files.add("3_orders.up.sql", "CREATE TABLE orders (id bigint);")
                .add("3_orders.down.sql", "DROP TABLE orders;\nDROP TABLE no_such_table;");
        migrate();

        assertThatThrownBy(() -> locked().load().undo(UndoTarget.last(1), null))
                .hasMessageContaining("3_orders.down.sql at line 2")
                .hasMessageContaining("[SQLState 42P01]")
                .hasMessageContaining("rolled back: this migration is still applied");

        assertThat(Sql.value(schema, "SELECT to_regclass('orders')")).isNotNull();
        assertThat(Sql.tracker(schema)).contains("3_orders:applied");
    }

    @Test
    void anUndoStartedWhileMigrateHoldsTheLockWaitsAndUndoesWhatMigrateApplied() throws Exception {
        migrate();
        files.add("3_orders.up.sql", "CREATE TABLE orders (id bigint);\nSELECT pg_sleep(1);")
                .add("3_orders.down.sql", "DROP TABLE orders;");

        UndoPlan undone = undoWhileMigrating(locked());

        assertThat(undone.steps()).extracting(UndoPlan.Step::name).containsExactly("orders");
        assertThat(Sql.tracker(schema)).containsExactly("1_customers:applied", "2_customers_email:applied",
                "3_orders:undone");
    }

    /** The proof that the lock is what serializes them: without it the undo reverts the wrong migration. */
    @Test
    void withoutTheLockAnUndoDuringAMigrateRevertsTheWrongMigration() throws Exception {
        migrate();
        files.add("3_orders.up.sql", "CREATE TABLE orders (id bigint);\nSELECT pg_sleep(1);")
                .add("3_orders.down.sql", "DROP TABLE orders;");

        UndoPlan undone = undoWhileMigrating(new NoLockConfiguration(locked()));

        assertThat(undone.steps()).extracting(UndoPlan.Step::name).containsExactly("customers_email");
    }

    @Test
    void aTrackerFromBeforeUndoGetsItsColumnsOlderInsertsStillWorkAndOldRowsUndoWithTheirDownFile() {
        Sql.execute(schema, "CREATE TABLE lockstep_applied_migrations (version bigint NOT NULL, "
                + "version_text text NOT NULL DEFAULT '', name text NOT NULL, checksum text, "
                + "state text NOT NULL CHECK (state IN ('applied', 'running')), applied_at timestamptz NOT NULL "
                + "DEFAULT now(), execution_ms bigint, applied_by text, PRIMARY KEY (version, version_text, name))");
        Lockstep lockstep = locked().load();
        String checksum = lockstep.scan().get(0).checksum();
        Sql.execute(schema, "CREATE TABLE customers (id bigint PRIMARY KEY, email text); INSERT INTO "
                + "lockstep_applied_migrations (version, name, checksum, state) VALUES (1, 'customers', '" + checksum
                + "', 'applied')");

        migrate();

        // What a replica on the earlier Lockstep writes: only the columns it knows.
        Sql.execute(schema, "INSERT INTO lockstep_applied_migrations (version, version_text, name, checksum, state, "
                + "execution_ms, applied_by) VALUES (9, '', 'from_an_older_replica', 'x', 'applied', 1, 'old')");
        assertThat(Sql.value(schema, "SELECT down_sql FROM lockstep_applied_migrations WHERE version = 2"))
                .isEqualTo("DROP INDEX CONCURRENTLY customers_email;");
        assertThatThrownBy(() -> lockstep.planUndo(UndoTarget.to("1")))
                .hasMessageContaining("9_from_an_older_replica (from_an_older_replica) has no down SQL");
        Sql.execute(schema, "DELETE FROM lockstep_applied_migrations WHERE version = 9");

        UndoPlan undone = lockstep.undo(UndoTarget.to("0"), null);

        assertThat(undone.steps()).extracting(UndoPlan.Step::source)
                .containsExactly("kept in the tracker", "from the file; the row predates kept downs");
        assertThat(Sql.tracker(schema)).containsExactly("1_customers:undone", "2_customers_email:undone");
    }

    @Test
    void aDownWaitingForATableLockIsRolledBackAndTriedAgainSoTheTablesQueriesDoNotQueueBehindIt() throws Exception {
        files.add("3_orders.up.sql", "CREATE TABLE orders (id bigint);").add("3_orders.down.sql", "DROP TABLE orders;");
        migrate();
        Lockstep lockstep = locked().ddlLockTimeout(Duration.ofMillis(100)).load();
        List<String> log = new CopyOnWriteArrayList<>();
        try (Connection reader = schema.connect()) {
            reader.setAutoCommit(false);
            reader.createStatement().execute("SELECT count(*) FROM orders"); // ACCESS SHARE until it ends
            CompletableFuture<Void> undo = CompletableFuture.runAsync(() -> LogCapture.during(UndoCommand.class, log,
                    () -> lockstep.undo(UndoTarget.last(1), null)));
            assertThat(Poll.until(Duration.ofSeconds(30), () -> log.stream().anyMatch(line ->
                    line.contains("its transaction was rolled back, trying again")))).as("a retry, logged").isTrue();
            reader.commit();
            undo.get(30, TimeUnit.SECONDS);
        }
        assertThat(Sql.tracker(schema)).contains("3_orders:undone");
    }

    @Test
    void aDownThatCannotGetItsLockWithinMaxWaitFailsLeavingTheMigrationApplied() throws Exception {
        files.add("3_orders.up.sql", "CREATE TABLE orders (id bigint);").add("3_orders.down.sql", "DROP TABLE orders;");
        migrate();
        Lockstep lockstep = locked().ddlLockTimeout(Duration.ofMillis(100)).ddlMaxWait(Duration.ofMillis(400)).load();
        try (Connection reader = schema.connect()) {
            reader.setAutoCommit(false);
            reader.createStatement().execute("SELECT count(*) FROM orders");

            assertThatThrownBy(() -> lockstep.undo(UndoTarget.last(1), null)).hasMessageContaining("[SQLState 55P03]")
                    .hasMessageContaining("still applied");
            reader.rollback();
        }
        assertThat(Sql.tracker(schema)).contains("3_orders:applied");
    }

    /** A configuration, with or without the advisory lock. */
    private record NoLockConfiguration(LockstepConfiguration configuration) {
    }

    private UndoPlan undoWhileMigrating(Object how) throws Exception {
        Lockstep migrating;
        Lockstep undoing;
        if (how instanceof NoLockConfiguration without) {
            migrating = TestEngines.withLocks(without.configuration(), NoLock.FACTORY);
            undoing = TestEngines.withLocks(without.configuration(), NoLock.FACTORY);
        } else {
            migrating = ((LockstepConfiguration) how).load();
            undoing = ((LockstepConfiguration) how).load();
        }
        CompletableFuture<MigrationReport> migrate = CompletableFuture.supplyAsync(migrating::migrate);
        assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.count(schema,
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(1)%' AND state = 'active' "
                        + "AND pid <> pg_backend_pid()") > 0)).as("migration 3 is running").isTrue();
        UndoPlan undone = undoing.undo(UndoTarget.last(1), null);
        migrate.get(30, TimeUnit.SECONDS);
        return undone;
    }
}
