package dev.lockstep.core;

import dev.lockstep.core.internal.tracker.Baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Validate, preview and baseline on a real PostgreSQL: what each reads, writes and refuses. */
class OperatingModesTest extends SchemaTestBase {

    @BeforeEach
    void migrations() {
        files.add("1_customers.up.sql", "CREATE TABLE customers (id bigint PRIMARY KEY, name text);")
                .add("2_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);");
    }

    @Test
    void validatePassesWhenEveryFileIsAppliedAndWritesNothing() {
        migrate();
        List<Map<String, Object>> before = catalog();

        MigrationReport report = configure().load().validate();

        assertThat(report.alreadyApplied()).isEqualTo(2);
        assertThat(report.applied()).isEmpty();
        assertThat(catalog()).isEqualTo(before);
    }

    @Test
    void validateFailsOnPendingMigrationsNamingThemAndCreatesNoTracker() {
        Lockstep lockstep = configure().load();

        assertThatThrownBy(lockstep::validate).isInstanceOf(ValidationException.class)
                .hasMessageContaining("2 migration(s) on disk are not applied")
                .hasMessageContaining("(the tracker does not exist)")
                .hasMessageContaining("1_customers.up.sql").hasMessageContaining("2_orders.up.sql")
                .hasMessageContaining("Nothing was written");
        assertThat(trackerExists()).isFalse();
        assertThat(lockstep.progress().phase()).isEqualTo(RunProgress.Phase.FAILED);
    }

    @Test
    void validateFailsOnAnEditedFileAsMigrateWould() {
        migrate();
        files.add("2_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int);");

        assertThatThrownBy(() -> configure().load().validate()).isInstanceOf(LockstepException.class)
                .hasMessageContaining("2_orders.up.sql changed after it was applied");
    }

    @Test
    void validateFailsOnAnInterruptedMigration() {
        migrate();
        Sql.execute(schema, "UPDATE lockstep_applied_migrations SET state = 'running' WHERE version = 2");

        assertThatThrownBy(() -> configure().load().validate()).isInstanceOf(LockstepException.class)
                .hasMessageContaining("was interrupted");
    }

    @Test
    void previewListsWhatWouldRunWithStatementsAndLintAndWritesNothing() {
        migrate();
        files.add("3_orders_customer_index.up.sql", "CREATE INDEX orders_customer_idx ON orders (customer_id);")
                .add("4_orders_total.up.sql", "-- lockstep:transaction=false\n"
                        + "ALTER TABLE orders ADD COLUMN total int;\nUPDATE orders SET total = 0;");
        List<Map<String, Object>> before = catalog();

        MigrationPreview preview = configure().load().preview();

        assertThat(catalog()).as("the catalog and the tracker, before and after").isEqualTo(before);
        assertThat(preview.alreadyApplied()).isEqualTo(2);
        assertThat(preview.pending()).extracting(MigrationPreview.Pending::file)
                .satisfiesExactly(f -> assertThat(f).endsWith("3_orders_customer_index.up.sql"),
                        f -> assertThat(f).endsWith("4_orders_total.up.sql"));
        assertThat(preview.pending().get(0).transactional()).isTrue();
        assertThat(preview.pending().get(1).transactional()).isFalse();
        assertThat(preview.pending().get(1).statements())
                .containsExactly("line 2: ALTER TABLE orders ADD COLUMN total int", "line 3: UPDATE orders SET total = 0");
        assertThat(preview.findings()).extracting(f -> f.rule().id()).containsExactly("index-not-concurrent");
        assertThat(preview.describe()).contains("2 migration(s) would run on").contains("nothing was written")
                .contains("outside a transaction, statement by statement").contains("Lint: 1 risky statement(s)");
    }

    @Test
    void baselineRecordsTheFilesUpToItsVersionWithoutRunningThemAndRunsTheRest() {
        // A schema made before any tool: the tables of migrations 1 and 2 exist, no tracker.
        Sql.execute(schema, "CREATE TABLE customers (id bigint PRIMARY KEY, name text);"
                + "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);");
        files.add("3_orders_total.up.sql", "ALTER TABLE orders ADD COLUMN total int;");

        MigrationReport report = configure().baselineVersion(2L).load().migrate();

        assertThat(report.applied()).extracting(a -> a.migration().version().toString()).containsExactly("3");
        assertThat(Sql.rows(schema, "SELECT version, applied_by FROM lockstep_applied_migrations ORDER BY version"))
                .extracting(r -> r.get("version") + " " + String.valueOf(r.get("applied_by")).startsWith(Baseline.MARK))
                .containsExactly("1 true", "2 true", "3 false");
        assertThat(configure().baselineVersion(2L).load().migrate().applied()).as("a restart").isEmpty();
    }

    @Test
    void baselineIsRefusedWhereTheTrackerAlreadyHasAHistory() {
        migrate();

        assertThatThrownBy(() -> configure().baselineVersion(2L).load().migrate())
                .isInstanceOf(LockstepConfigurationException.class)
                .hasMessageContaining("lockstep.baseline-version")
                .hasMessageContaining("already records 2 migration(s)")
                .hasMessageContaining("Remove lockstep.baseline-version");
    }

    @Test
    void previewAndValidateCountTheBaselineAsApplied() {
        Sql.execute(schema, "CREATE TABLE customers (id bigint PRIMARY KEY, name text);");

        assertThat(configure().baselineVersion(1L).load().preview().pending())
                .extracting(MigrationPreview.Pending::file).singleElement().asString().endsWith("2_orders.up.sql");
        assertThat(trackerExists()).isFalse();
    }

    /** The schema's relations and columns, and the tracker's rows if it exists. */
    private List<Map<String, Object>> catalog() {
        List<Map<String, Object>> rows = new java.util.ArrayList<>(Sql.rows(schema, "SELECT c.relname, c.relkind, "
                + "a.attname, a.atttypid FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                + "WHERE c.relnamespace = '" + schema.name() + "'::regnamespace ORDER BY 1, 3"));
        if (trackerExists()) {
            rows.addAll(Sql.rows(schema, "SELECT * FROM lockstep_applied_migrations ORDER BY version"));
        }
        return rows;
    }
}
