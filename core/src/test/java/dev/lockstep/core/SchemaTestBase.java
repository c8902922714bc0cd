package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A schema of its own and a folder of migrations, fresh for every test. */
public abstract class SchemaTestBase {

    @TempDir
    public Path dir;
    public TestSchema schema;
    public MigrationDir files;

    @BeforeEach
    public void createSchema() {
        schema = TestPostgres.get().newSchema();
        files = new MigrationDir(dir);
    }

    @AfterEach
    public void dropSchema() {
        schema.close();
    }

    public LockstepConfiguration configure() {
        return Lockstep.configure().dataSource(schema.dataSource()).locations(files.location());
    }

    public MigrationReport migrate() {
        return configure().load().migrate();
    }

    public boolean trackerExists() {
        return Sql.value(schema, "SELECT to_regclass('lockstep_applied_migrations')") != null;
    }
}
