package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet contestants must do the same work in the same schemas, or the fleet timings compare nothing. */
class FleetToolsTest {

    private static final int TENANTS = 3;

    @TempDir
    Path dir;

    @Test
    void everyFleetToolBuildsTheSameTablesInEachTenantSchemaAndNoneInPublic() throws Exception {
        MigrationSet set = MigrationSets.tenant(dir, FleetScenario.MIGRATIONS);
        Databases databases = new Databases(TestPostgres.get());
        List<List<String>> objects = new ArrayList<>();
        for (FleetTools.FleetTool tool : FleetTools.all()) {
            List<String> schemas = FleetScenario.schemaNames(tool.prefix(), TENANTS);
            String db = databases.create();
            try (var pool = databases.pool(db, tool.poolSize())) {
                if (!tool.createsSchemas()) {
                    FleetScenario.createSchemas(pool, schemas);
                }
                assertThat(tool.migrate(pool, schemas, set)).as(tool.name() + " fresh: failed tenants").isZero();
                assertThat(tool.migrate(pool, schemas, set)).as(tool.name() + " no-op: failed tenants").isZero();
                assertThat(FleetScenario.checkMigrated(pool, tool, schemas, 0)).as(tool.name()).isNull();
                for (String schema : schemas) {
                    assertThat(rows(pool, schema + ".events")).as(tool.name() + " " + schema).isEqualTo(10);
                }
                objects.add(userObjects(pool, schemas.get(TENANTS - 1)));
                FleetScenario.dropSchemas(pool, schemas);
                assertThat(FleetScenario.checkMigrated(pool, tool, schemas, 0)).as("after the drop").isNotNull();
            } finally {
                databases.drop(db);
            }
        }
        assertThat(objects.get(0)).contains("customers", "customers_name_idx", "events", "events_name_idx");
        assertThat(objects).allSatisfy(o -> assertThat(o).isEqualTo(objects.get(0)));
    }

    @Test
    void theTenantSetHasTwentyFilesInEveryLayout() throws Exception {
        MigrationSet set = MigrationSets.tenant(dir, FleetScenario.MIGRATIONS);

        assertThat(set.count()).isEqualTo(20);
        try (var files = java.nio.file.Files.list(set.flywayDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("V1__create_customers.sql",
                    "V20__fill_events.sql");
        }
        try (var files = java.nio.file.Files.list(set.lockstepDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("000001_create_customers.up.sql");
        }
    }

    /** The tenant tables and indexes of one schema, without any tool's tracker. */
    private static List<String> userObjects(DataSource dataSource, String schema) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'i')
                  AND c.relname NOT ILIKE '%flyway%' AND c.relname NOT ILIKE '%databasechangelog%'
                  AND c.relname NOT ILIKE '%lockstep%'
                ORDER BY 1""")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static int rows(DataSource dataSource, String table) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
