package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flyway's file names on a real PostgreSQL: dotted versions in Flyway's order, repeatable
 * migrations after them and again whenever they change, and a tracker made before either existed.
 */
class FlywayStyleFilesTest extends SchemaTestBase {

    @Test
    void dottedVersionsRunInFlywaysOrderAndAreRecordedWithTheirWholeVersion() {
        Sql.execute(schema, "CREATE TABLE ran (version text, at serial)");
        for (String version : List.of("1", "1.1", "1.2", "1.10", "2.0.3", "10")) {
            files.add("V" + version + "__step.sql", "INSERT INTO ran (version) VALUES ('" + version + "');");
        }

        migrate();

        assertThat(Sql.rows(schema, "SELECT version FROM ran ORDER BY at")).extracting(r -> r.get("version"))
                .containsExactly("1", "1.1", "1.2", "1.10", "2.0.3", "10");
        assertThat(Sql.rows(schema, "SELECT version, version_text FROM lockstep_applied_migrations ORDER BY applied_at, "
                + "version, version_text")).extracting(r -> r.get("version") + "/" + r.get("version_text"))
                .containsExactlyInAnyOrder("1/", "1/1.1", "1/1.2", "1/1.10", "2/2.0.3", "10/");
        assertThat(configure().load().info()).extracting(i -> i.version() + ":" + i.state().label())
                .containsExactly("1:applied", "1.1:applied", "1.2:applied", "1.10:applied", "2.0.3:applied",
                        "10:applied");
    }

    @Test
    void aDottedVersionMergedBetweenAppliedOnesRunsOutOfOrder() {
        files.add("V1__a.sql", "CREATE TABLE a (id int);").add("V2__b.sql", "CREATE TABLE b (id int);");
        migrate();
        files.add("V1.5__between.sql", "CREATE TABLE between_them (id int);");

        MigrationReport report = migrate();

        assertThat(report.outOfOrder()).extracting(a -> a.migration().version().toString()).containsExactly("1.5");
    }

    @Test
    void oneAndOnePointZeroAreOneVersion() {
        files.add("V1__a.sql", "SELECT 1;").add("V1.0__b.sql", "SELECT 1;");

        assertThatThrownBy(this::migrate).isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("version 1 is used by 2 files");
    }

    @Test
    void aRepeatableMigrationRunsAfterTheVersionsAndAgainOnlyWhenItChanges() {
        Sql.execute(schema, "CREATE TABLE ran (what text, at serial)");
        files.add("V1__orders.sql", "CREATE TABLE orders (id int, total int); INSERT INTO ran (what) VALUES ('V1');")
                .add("R__order_totals.sql", "CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total "
                        + "FROM orders; INSERT INTO ran (what) VALUES ('R1');");

        migrate();
        assertThat(migrate().applied()).as("a restart with nothing changed").isEmpty();
        files.add("V2__order_count.sql", "INSERT INTO ran (what) VALUES ('V2');")
                .add("R__order_totals.sql", "CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total, "
                        + "count(*) AS orders FROM orders; INSERT INTO ran (what) VALUES ('R2');");
        assertThat(configure().load().info()).extracting(i -> i.version() + "_" + i.name() + ":" + i.state().label())
                .containsExactly("1_orders:applied", "2_order_count:pending", "R_order_totals:pending");
        assertThatThrownBy(() -> configure().load().validate()).isInstanceOf(ValidationException.class)
                .hasMessageContaining("R__order_totals.sql");
        MigrationReport changed = migrate();

        assertThat(changed.applied()).extracting(a -> a.migration().file().replaceAll(".*/", ""))
                .containsExactly("V2__order_count.sql", "R__order_totals.sql");
        assertThat(Sql.rows(schema, "SELECT what FROM ran ORDER BY at")).extracting(r -> r.get("what"))
                .containsExactly("V1", "R1", "V2", "R2");
        assertThat(Sql.rows(schema, "SELECT version, version_text, name FROM lockstep_applied_migrations "
                + "WHERE version_text = 'R'")).as("one row per repeatable migration, with its last checksum")
                .singleElement().extracting(r -> r.get("name")).isEqualTo("order_totals");
        assertThat(configure().load().info()).as("the row holds the checksum of the file as it ran last")
                .extracting(i -> i.state().label()).containsOnly("applied");
    }

    @Test
    void aTrackerMadeBeforeDottedVersionsIsUpgradedInPlaceKeepingItsRows() {
        // The layout every earlier Lockstep created, with one applied migration in it.
        Sql.execute(schema, "CREATE TABLE lockstep_applied_migrations (version bigint NOT NULL, name text NOT NULL, "
                + "checksum text, state text NOT NULL CHECK (state IN ('applied', 'running')), "
                + "applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint, applied_by text, "
                + "PRIMARY KEY (version, name))");
        files.add("1_customers.up.sql", "CREATE TABLE customers (id int);");
        String checksum = configure().load().info().get(0).checksum();
        Sql.execute(schema, "CREATE TABLE customers (id int); INSERT INTO lockstep_applied_migrations (version, name, "
                + "checksum, state, applied_by) VALUES (1, 'customers', '" + checksum + "', 'applied', 'before')");
        assertThat(configure().load().info()).as("an earlier tracker reads as it is")
                .extracting(i -> i.version() + ":" + i.state().label()).containsExactly("1:applied");

        files.add("V1.1__orders.sql", "CREATE TABLE orders (id int);").add("R__names.sql",
                "CREATE OR REPLACE VIEW names AS SELECT id FROM customers;");
        MigrationReport report = migrate();

        assertThat(report.applied()).hasSize(2);
        assertThat(Sql.rows(schema, "SELECT version, version_text, name, applied_by FROM lockstep_applied_migrations "
                + "ORDER BY version, version_text")).extracting(r -> r.get("version") + "/" + r.get("version_text") + "/"
                        + r.get("name") + (r.get("applied_by").equals("before") ? " (kept)" : ""))
                .containsExactly("0/R/names", "1//customers (kept)", "1/1.1/orders");
        assertThat(Sql.value(schema, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                + "'lockstep_applied_migrations'::regclass AND contype = 'p'"))
                .isEqualTo("PRIMARY KEY (version, version_text, name)");
    }

    @Test
    void operatorActionsNameARepeatableMigrationByItsName() {
        files.add("R__names.sql", "CREATE OR REPLACE VIEW names AS SELECT 1 AS id;");
        migrate();
        Sql.execute(schema, "UPDATE lockstep_applied_migrations SET state = 'running'");

        assertThatThrownBy(this::migrate).hasMessageContaining("Migration R__names was interrupted")
                .hasMessageContaining("WHERE version = 0 AND version_text = 'R' AND name = 'names'")
                .hasMessageContaining("lockstep-cli mark-done --version=R --name=names");
        String sql = configure().load().repair(RepairAction.MARK_DONE, MigrationVersion.REPEATABLE, "names");
        assertThat(sql).contains("SET state = 'applied'");
        assertThat(migrate().applied()).isEmpty();
    }
}
