package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A database migrated by golang-migrate, taken over by Lockstep on its first run. golang-migrate
 * cannot be installed here, so {@link #golangMigrateUp} does what its PostgreSQL driver does, with
 * its exact SQL (database/postgres/postgres.go: ensureVersionTable, SetVersion).
 */
class AdoptGolangMigrateHistoryTest extends SchemaTestBase {

    @BeforeEach
    void files() {
        files.add("1_ran.up.sql", "CREATE TABLE ran (what text, at serial); INSERT INTO ran (what) VALUES ('1');")
                .add("1_ran.down.sql", "DROP TABLE ran;")
                .add("2_customers.up.sql", "CREATE TABLE customers (id int); INSERT INTO ran (what) VALUES ('2');")
                .add("3_orders.up.sql", "CREATE TABLE orders (id int); INSERT INTO ran (what) VALUES ('3');");
    }

    @Test
    void adoptsEveryFileUpToItsVersionAndAppliesOnlyTheRest() {
        golangMigrateUp(3, 0);
        List<Map<String, Object>> golangTable = Sql.rows(schema, "SELECT * FROM schema_migrations");
        files.add("4_invoices.up.sql", "CREATE TABLE invoices (id int); INSERT INTO ran (what) VALUES ('4');");

        MigrationReport report = migrate();

        assertThat(report.applied()).extracting(a -> a.migration().version().toString()).containsExactly("4");
        assertThat(ran()).as("nothing golang-migrate applied ran again").containsExactly("1", "2", "3", "4");
        assertThat(Sql.rows(schema, "SELECT version, applied_by FROM lockstep_applied_migrations ORDER BY version"))
                .extracting(r -> r.get("version") + " " + r.get("applied_by")).startsWith(
                        "1 adopted from " + schema.name() + ".schema_migrations (golang-migrate at version 3)",
                        "2 adopted from " + schema.name() + ".schema_migrations (golang-migrate at version 3)",
                        "3 adopted from " + schema.name() + ".schema_migrations (golang-migrate at version 3)");
        assertThat(configure().load().info()).extracting(i -> i.state().label()).containsOnly("applied");
        try (TestSchema fresh = TestPostgres.get().newSchema()) {
            Lockstep.configure().dataSource(fresh.dataSource()).locations(files.location()).load().migrate();
            assertThat(AdoptFlywayHistoryTest.trackerOf(schema)).as("the tracker Lockstep would have written itself")
                    .isEqualTo(AdoptFlywayHistoryTest.trackerOf(fresh));
        }
        assertThat(Sql.rows(schema, "SELECT * FROM schema_migrations")).as("left as it was").isEqualTo(golangTable);
        assertThat(migrate().applied()).as("a restart").isEmpty();
    }

    @Test
    void aDirtyVersionIsRefusedNamingTheFixAndNothingIsWritten() {
        files.add("2_customers.up.sql", "CREATE TABLE customers (id int); INSERT INTO no_such_table VALUES (1);");
        golangMigrateUp(3, 2);
        assertThat(Sql.rows(schema, "SELECT version, dirty FROM schema_migrations"))
                .containsExactly(Map.of("version", 2L, "dirty", true));

        assertThatThrownBy(this::migrate).isInstanceOf(LockstepException.class)
                .hasMessageContaining("says version 2 is dirty").hasMessageContaining("migrate force 2")
                .hasMessageContaining("UPDATE \"" + schema.name() + "\".\"schema_migrations\" SET dirty = false")
                .hasMessageContaining("Nothing was applied");
        assertThat(trackerExists()).isFalse();
        assertThat(ran()).containsExactly("1");
    }

    @Test
    void anEmptyTableMeansNothingWasApplied() {
        golangMigrateUp(0, 0);

        assertThat(migrate().applied()).hasSize(3);
    }

    @Test
    void anotherToolsTableOfTheSameNameIsNotAdopted() {
        // Rails keeps its history in a table of the same name, with one text column.
        Sql.execute(schema, "CREATE TABLE schema_migrations (version varchar PRIMARY KEY); "
                + "INSERT INTO schema_migrations VALUES ('3')");

        assertThat(migrate().applied()).hasSize(3);
    }

    @Test
    void twoHistoriesAreRefused() {
        golangMigrateUp(1, 0);
        Sql.execute(schema, "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), "
                + "description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, "
                + "checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), "
                + "execution_time int NOT NULL, success boolean NOT NULL)");

        assertThatThrownBy(this::migrate).hasMessageContaining("has two histories");
        assertThat(trackerExists()).isFalse();
    }

    /**
     * {@code migrate up} as golang-migrate does it: for each version, SetVersion(v, dirty=true) in
     * a transaction of its own, the file's SQL, then SetVersion(v, false). A failing file leaves
     * the version dirty.
     *
     * @param upTo the last version to apply (0: only create the table)
     * @param failing the version whose file is expected to fail, or 0
     */
    private void golangMigrateUp(int upTo, int failing) {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            String table = "\"" + schema.name() + "\".\"schema_migrations\"";
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (version bigint not null primary key, dirty boolean not null)");
            for (int version = 1; version <= upTo; version++) {
                setVersion(c, table, version, true);
                String body = java.nio.file.Files.readString(files.path().resolve(fileOf(version)));
                try {
                    s.execute(body);
                } catch (SQLException e) {
                    assertThat(version).as("only the version meant to fail fails: " + e.getMessage()).isEqualTo(failing);
                    return;
                }
                setVersion(c, table, version, false);
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setVersion(Connection c, String table, long version, boolean dirty) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement();
                PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (version, dirty) VALUES (?, ?)")) {
            s.execute("TRUNCATE " + table);
            insert.setLong(1, version);
            insert.setBoolean(2, dirty);
            insert.executeUpdate();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    private String fileOf(int version) {
        return switch (version) {
            case 1 -> "1_ran.up.sql";
            case 2 -> "2_customers.up.sql";
            default -> "3_orders.up.sql";
        };
    }

    private List<String> ran() {
        return Sql.rows(schema, "SELECT what FROM ran ORDER BY at").stream().map(r -> (String) r.get("what")).toList();
    }
}
