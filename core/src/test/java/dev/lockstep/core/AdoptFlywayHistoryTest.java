package dev.lockstep.core;

import dev.lockstep.core.internal.files.FileText;
import dev.lockstep.core.internal.tracker.AdoptedHistory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A database migrated by the real Flyway, taken over by Lockstep on its first run: the same
 * files, none applied twice, Flyway's history left as it was.
 */
class AdoptFlywayHistoryTest extends SchemaTestBase {

    @BeforeEach
    void filesFlywayApplies() {
        // Each file leaves a mark in "ran", so a second application would show.
        files.add("V1__customers.sql", "CREATE TABLE IF NOT EXISTS ran (what text, at serial); "
                        + "CREATE TABLE customers (id int); INSERT INTO ran (what) VALUES ('V1');")
                .add("V1.1__orders.sql", "CREATE TABLE orders (id int, total int); INSERT INTO ran (what) VALUES ('V1.1');")
                // A BOM and CRLF line endings: Flyway's checksum and Lockstep's must still agree on it.
                .add("V2__order_notes.sql", "\uFEFFALTER TABLE orders ADD COLUMN note text;\r\n\r\n"
                        + "INSERT INTO ran (what) VALUES ('V2');\r\n")
                .add("R__order_totals.sql", "CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total FROM orders;"
                        + "\nINSERT INTO ran (what) VALUES ('R');");
    }

    @Test
    void adoptsTheHistoryAndAppliesNothingFlywayApplied() {
        flyway().load().migrate();
        List<Map<String, Object>> flywayHistory = history();
        assertThat(ran()).containsExactly("V1", "V1.1", "V2", "R");

        MigrationReport report = migrate();

        assertThat(report.applied()).isEmpty();
        assertThat(report.alreadyApplied()).isEqualTo(4);
        assertThat(ran()).as("nothing ran again").containsExactly("V1", "V1.1", "V2", "R");
        assertThat(Sql.rows(schema, "SELECT version, version_text, name, applied_by FROM lockstep_applied_migrations "
                + "ORDER BY version, version_text")).extracting(r -> r.get("version") + "/" + r.get("version_text") + "/"
                        + r.get("name") + " " + String.valueOf(r.get("applied_by")).startsWith("adopted from "
                                + schema.name() + ".flyway_schema_history (installed_rank "))
                .containsExactly("0/R/order_totals true", "1//customers true", "1/1.1/orders true",
                        "2//order_notes true");
        assertThat(configure().load().info()).extracting(i -> i.state().label()).containsOnly("applied");
        assertThat(trackerOf(schema)).as("the tracker Lockstep would have written itself")
                .isEqualTo(trackerOfAFreshMigration());
        assertThat(history()).as("Flyway's table is left as it was").isEqualTo(flywayHistory);
        assertThat(migrate().applied()).as("a restart").isEmpty();
    }

    @Test
    void eightReplicasStartingTogetherAdoptOnceAndApplyTheNewFileOnce() {
        flyway().load().migrate();
        files.add("V3__new.sql", "INSERT INTO ran (what) VALUES ('V3');");

        List<Runners.Outcome> outcomes = eightAtOnce(false);

        assertAdoptedOnceAndAppliedOnce(outcomes);
    }

    @Test
    void withoutTheLockTheSameReplicasAreCaughtAdoptingOrApplyingTwice() {
        // The proof that the test above can fail: the same start with the advisory lock a no-op.
        flyway().load().migrate();
        files.add("V3__new.sql", "INSERT INTO ran (what) VALUES ('V3');");

        List<Runners.Outcome> outcomes = eightAtOnce(true);

        assertThatThrownBy(() -> assertAdoptedOnceAndAppliedOnce(outcomes)).isInstanceOf(AssertionError.class);
    }

    private List<Runners.Outcome> eightAtOnce(boolean withoutLock) {
        ConcurrentRunnersTest.Rendezvous rendezvous = new ConcurrentRunnersTest.Rendezvous(8);
        return Runners.runAll(8, i -> {
            LockstepConfiguration engine = configure().listener(rendezvous);
            return withoutLock ? TestEngines.withLocks(engine, NoLock.FACTORY) : engine.load();
        });
    }

    private void assertAdoptedOnceAndAppliedOnce(List<Runners.Outcome> outcomes) {
        assertThat(outcomes).extracting(Runners.Outcome::error).containsOnlyNulls();
        assertThat(outcomes.stream().mapToInt(Runners.Outcome::appliedCount).sum()).isEqualTo(1);
        assertThat(ran()).containsExactly("V1", "V1.1", "V2", "R", "V3");
        assertThat(Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations")).isEqualTo(5);
    }

    @Test
    void afterAdoptionNewFilesRunAndAChangedRepeatableRunsAgainAsFlywayWould() {
        flyway().load().migrate();
        migrate();
        files.add("V1.2__merged_late.sql", "INSERT INTO ran (what) VALUES ('V1.2');")
                .add("R__order_totals.sql", "CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total, "
                        + "count(*) AS n FROM orders;\nINSERT INTO ran (what) VALUES ('R again');");

        MigrationReport report = migrate();

        assertThat(report.outOfOrder()).extracting(a -> a.migration().file().replaceAll(".*/", ""))
                .containsExactly("V1.2__merged_late.sql");
        assertThat(ran()).containsExactly("V1", "V1.1", "V2", "R", "V1.2", "R again");
    }

    @Test
    void aRepeatableChangedSinceFlywayRanItRunsOnTheFirstLockstepStart() {
        flyway().load().migrate();
        files.add("R__order_totals.sql", "CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total, "
                + "0 AS extra FROM orders;\nINSERT INTO ran (what) VALUES ('R changed');");

        assertThat(migrate().applied()).extracting(a -> a.migration().file().replaceAll(".*/", ""))
                .containsExactly("R__order_totals.sql");
        assertThat(ran()).containsExactly("V1", "V1.1", "V2", "R", "R changed");
    }

    @Test
    void validatePreviewAndInfoReadTheHistoryBeforeAdoptingItAndWriteNothing() {
        flyway().load().migrate();
        files.add("V3__pending.sql", "SELECT 1;");

        assertThat(configure().load().info()).extracting(i -> i.version() + ":" + i.state().label())
                .containsExactly("1:applied", "1.1:applied", "2:applied", "3:pending", "R:applied");
        assertThat(configure().load().preview().pending()).extracting(p -> p.file().replaceAll(".*/", ""))
                .containsExactly("V3__pending.sql");
        assertThatThrownBy(() -> configure().load().validate()).isInstanceOf(ValidationException.class)
                .hasMessageContaining("1 migration(s) on disk are not applied")
                .hasMessageContaining("(the tracker does not exist yet: migrate adopts " + schema.name()
                        + ".flyway_schema_history)");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void aFileEditedAfterFlywayAppliedItIsReportedAsChangedAfterAdoptionAndCanBeAccepted() {
        flyway().load().migrate();
        files.add("V1__customers.sql", "CREATE TABLE IF NOT EXISTS ran (what text, at serial); "
                + "CREATE TABLE customers (id int); -- edited\nINSERT INTO ran (what) VALUES ('V1');");

        assertThatThrownBy(this::migrate).hasMessageContaining("V1__customers.sql changed after it was applied "
                + "(checksum flyway-crc32:").hasMessageContaining("lockstep-cli accept-checksum --version=1");
        assertThat(Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations"))
                .as("the adoption is recorded whole, so the accept-checksum it names can work").isEqualTo(4);

        configure().load().repair(RepairAction.ACCEPT_CHECKSUM, MigrationVersion.of(1), null);
        assertThat(migrate().applied()).isEmpty();
        assertThat(ran()).containsExactly("V1", "V1.1", "V2", "R");
    }

    @Test
    void filesBelowFlywaysBaselineCountAsApplied() {
        // A schema older than Flyway, baselined by Flyway at version 1.1; Flyway then applied V2.
        Sql.execute(schema, "CREATE TABLE ran (what text, at serial); CREATE TABLE customers (id int); "
                + "CREATE TABLE orders (id int, total int)");
        flyway().baselineOnMigrate(true).baselineVersion("1.1").load().migrate();
        assertThat(ran()).containsExactly("V2", "R");

        assertThat(migrate().applied()).isEmpty();

        assertThat(ran()).containsExactly("V2", "R");
        assertThat(Sql.rows(schema, "SELECT name, applied_by FROM lockstep_applied_migrations ORDER BY version, "
                + "version_text")).extracting(r -> r.get("name") + ": " + r.get("applied_by"))
                .contains("customers: adopted from " + schema.name() + ".flyway_schema_history (below Flyway's baseline "
                        + "1.1)", "orders: adopted from " + schema.name() + ".flyway_schema_history (below Flyway's "
                        + "baseline 1.1)");
    }

    @Test
    void aFailedFlywayMigrationIsRefusedAndNothingIsWritten() {
        flyway().load().migrate();
        // Flyway 13 on PostgreSQL keeps no row for a failed migration (this test tried a failing
        // CREATE INDEX CONCURRENTLY: no row); earlier versions, and databases without transactional
        // DDL, keep one with success = false, written as Flyway's own INSERT writes it.
        files.add("V3__broken.sql", "CREATE INDEX CONCURRENTLY no_such_index ON no_such_table (id);");
        Sql.execute(schema, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (5, '3', 'broken', 'SQL', 'V3__broken.sql', "
                + "123, 'postgres', 7, false)");

        assertThatThrownBy(this::migrate).isInstanceOf(LockstepException.class)
                .hasMessageContaining("records failed migration(s): version 3 (V3__broken.sql")
                .hasMessageContaining("DELETE FROM \"" + schema.name() + "\".\"flyway_schema_history\" WHERE NOT success")
                .hasMessageContaining("Nothing was applied");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void aBaselineVersionIsRefusedWhereFlywaysHistoryIsAdopted() {
        flyway().load().migrate();

        assertThatThrownBy(() -> configure().baselineVersion(2L).load().migrate())
                .isInstanceOf(LockstepConfigurationException.class).hasMessageContaining("lockstep.baseline-version")
                .hasMessageContaining("flyway_schema_history, which Lockstep adopts");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void lockstepComputesFlywaysChecksum() {
        flyway().load().migrate();

        for (Map<String, Object> row : Sql.rows(schema, "SELECT script, checksum FROM flyway_schema_history")) {
            String text = FileText.decode(readFile((String) row.get("script")));
            assertThat(AdoptedHistory.flywayChecksum(text)).as((String) row.get("script")).isEqualTo(row.get("checksum"));
        }
    }

    @Test
    void withFlywaysSchemaAsLockstepSchemaTheNextFilesRunInThatSchemaAsFlywayWouldRunThem() {
        // spring.flyway.schemas=app became lockstep.schema=app; the connection's own schema is another.
        String app = schema.name() + "_app";
        try {
            Flyway.configure().dataSource(schema.dataSource()).schemas(app).locations("filesystem:" + files.path())
                    .load().migrate();
            files.add("V3__invoices.sql", "ALTER TABLE orders ADD COLUMN paid boolean; CREATE TABLE invoices (id int);")
                    .add("U3__invoices.sql", "DROP TABLE invoices; ALTER TABLE orders DROP COLUMN paid;");
            List<String> hookSaw = new java.util.ArrayList<>();
            LockstepConfiguration lockstep = configure().schema(app).hook(new MigrationHook() {
                @Override
                public boolean appliesTo(Migration migration) {
                    return true;
                }

                @Override
                public void beforeMigration(Migration migration, javax.sql.DataSource dataSource) throws Exception {
                    try (var connection = dataSource.getConnection(); var rows = connection.createStatement()
                            .executeQuery("SELECT current_schema()")) {
                        rows.next();
                        hookSaw.add(rows.getString(1));
                    }
                }
            });

            MigrationReport report = lockstep.load().migrate();

            assertThat(report.applied()).extracting(applied -> applied.migration().name()).containsExactly("invoices");
            assertThat(Sql.value(schema, "SELECT to_regclass('" + app + ".invoices') IS NOT NULL")).as("the new table "
                    + "is in the tracker's schema, as Flyway would have put it").isEqualTo(true);
            assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".invoices')")).isNull();
            assertThat(hookSaw).containsOnly(app);
            assertThat(Sql.value(schema, "SELECT current_setting('search_path')")).as("the pool's sessions as they were")
                    .isEqualTo(schema.name());

            Lockstep engine = lockstep.load();
            engine.undo(UndoTarget.last(1), engine.planUndo(UndoTarget.last(1)));

            assertThat(Sql.value(schema, "SELECT to_regclass('" + app + ".invoices')")).as("the down ran there too")
                    .isNull();
        } finally {
            Sql.execute(schema, "DROP SCHEMA IF EXISTS \"" + app + "\" CASCADE");
        }
    }

    /** The same files migrated by Lockstep alone, on an empty schema of their own. */
    private List<Map<String, Object>> trackerOfAFreshMigration() {
        try (TestSchema fresh = TestPostgres.get().newSchema()) {
            Lockstep.configure().dataSource(fresh.dataSource()).locations(files.location()).load().migrate();
            return trackerOf(fresh);
        }
    }

    /** What identifies each row and what it says, without when and by whom. */
    static List<Map<String, Object>> trackerOf(TestSchema schema) {
        return Sql.rows(schema, "SELECT version, version_text, name, checksum, state FROM lockstep_applied_migrations "
                + "ORDER BY version, version_text, name");
    }

    private byte[] readFile(String name) {
        try {
            return java.nio.file.Files.readAllBytes(files.path().resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private FluentConfiguration flyway() {
        return Flyway.configure().dataSource(schema.dataSource()).schemas(schema.name()).defaultSchema(schema.name())
                .locations("filesystem:" + files.path());
    }

    private List<String> ran() {
        return Sql.rows(schema, "SELECT what FROM ran ORDER BY at").stream().map(r -> (String) r.get("what")).toList();
    }

    private List<Map<String, Object>> history() {
        return Sql.rows(schema, "SELECT * FROM flyway_schema_history ORDER BY installed_rank");
    }
}
