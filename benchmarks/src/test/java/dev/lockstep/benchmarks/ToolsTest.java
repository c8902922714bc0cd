package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contestants must do the same work, or the timings compare nothing. */
class ToolsTest {

    @TempDir
    Path dir;

    @Test
    void everyToolBuildsTheSameSchemaFromAGeneratedSet() throws Exception {
        MigrationSet set = MigrationSets.generate(dir, 25);
        Databases databases = new Databases(TestPostgres.get());
        List<List<String>> schemas = new ArrayList<>();
        for (Tool tool : Tools.all()) {
            String db = databases.create();
            try (var pool = databases.pool(db)) {
                tool.migrate(pool, set);
                if (tool.serializesRunners()) {
                    tool.migrate(pool, set); // the no-op run must succeed too
                }
                schemas.add(userObjects(pool));
            } finally {
                databases.drop(db);
            }
        }
        assertThat(schemas.get(0)).contains("t1", "t3", "t1_created_5_idx", "f4", "v9");
        assertThat(schemas).allSatisfy(schema -> assertThat(schema).isEqualTo(schemas.get(0)));
    }

    @Test
    void aFolderOfTheUsersIsLaidOutForEveryTool() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(folder.resolve("V2__second.sql"), "CREATE TABLE b (id int);");
        Files.writeString(folder.resolve("0001_first.up.sql"), "CREATE TABLE a (id int);");

        MigrationSet set = MigrationSets.fromFolder(dir, folder);

        assertThat(set.count()).isEqualTo(2);
        try (var files = Files.list(set.flywayDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("V1__first.sql", "V2__second.sql");
        }
        assertThat(Files.readString(set.liquibaseChangelog())).contains("000002_second.sql");
    }

    @Test
    void downMigrationsOfAFolderAreLeftOut() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("golang-migrate"));
        Files.writeString(folder.resolve("0001_first.up.sql"), "CREATE TABLE a (id int);");
        Files.writeString(folder.resolve("0001_first.down.sql"), "DROP TABLE a;");

        MigrationSet set = MigrationSets.fromFolder(dir, folder, "mine");

        assertThat(set.name()).isEqualTo("mine");
        assertThat(set.count()).isEqualTo(1);
        assertThat(Files.readString(set.lockstepDir().resolve("000001_first.up.sql"))).startsWith("CREATE TABLE");
    }

    /** Tables, indexes, views and functions of the public schema, minus each tool's own tracker. */
    private static List<String> userObjects(javax.sql.DataSource dataSource) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                        + "AND relkind IN ('r', 'i', 'v') UNION ALL SELECT proname FROM pg_proc "
                        + "WHERE pronamespace = 'public'::regnamespace ORDER BY 1")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (!name.matches("(?i).*(lockstep_applied|flyway_schema|databasechangelog).*")) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
