package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {

    @Test
    void appliesTwoMigrations(@TempDir Path dir) {
        try (TestSchema schema = TestPostgres.get().newSchema()) {
            MigrationDir files = new MigrationDir(dir)
                    .add("1_create.up.sql", "CREATE TABLE t (id int PRIMARY KEY);")
                    .add("2_index.up.sql", "CREATE INDEX CONCURRENTLY t_idx ON t (id);");
            MigrationReport report = Lockstep.configure().dataSource(schema.dataSource())
                    .locations(files.location()).load().migrate();
            assertThat(report.applied()).hasSize(2);
            assertThat(Sql.tracker(schema)).containsExactly("1_create:applied", "2_index:applied");
        }
    }
}
