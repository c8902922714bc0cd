package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A schema of its own and a folder of migrations, fresh for every test. */
abstract class SchemaTestBase {

    @TempDir
    Path dir;
    TestSchema schema;
    MigrationDir files;

    @BeforeEach
    void createSchema() {
        schema = TestPostgres.get().newSchema();
        files = new MigrationDir(dir);
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    LockstepConfiguration configure() {
        return Lockstep.configure().dataSource(schema.dataSource()).locations(files.location());
    }

    MigrationReport migrate() {
        return configure().load().migrate();
    }

    boolean trackerExists() {
        return Sql.value(schema, "SELECT to_regclass('lockstep_applied_migrations')") != null;
    }
}
