package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code lockstep.mode=undo}: the application's own image as a one-off undo job. */
class LockstepUndoModeTests {

    @TempDir
    Path folder;

    private TestSchema schema;
    private ApplicationContextRunner contextRunner;

    @BeforeEach
    void filesAndSchema() throws Exception {
        schema = TestPostgres.get().newSchema();
        Files.writeString(folder.resolve("1_customers.up.sql"), "CREATE TABLE customers (id int);");
        Files.writeString(folder.resolve("1_customers.down.sql"), "DROP TABLE customers;");
        Files.writeString(folder.resolve("2_orders.up.sql"), "CREATE TABLE orders (id int);");
        Files.writeString(folder.resolve("2_orders.down.sql"), "DROP TABLE orders;");
        contextRunner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LockstepAutoConfiguration.class))
                .withBean(DataSource.class, schema::dataSource)
                .withPropertyValues("lockstep.locations=filesystem:" + folder);
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    @Test
    void undoModeUndoesTheLastMigrationAndTheNextNormalStartAppliesItAgain() throws Exception {
        contextRunner.run(context -> assertThat(context).hasNotFailed());

        contextRunner.withPropertyValues("lockstep.mode=undo", "lockstep.undo.last=1")
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(states()).isEqualTo("customers:applied,orders:undone");
        contextRunner.run(context -> assertThat(context).hasNotFailed());
        assertThat(states()).isEqualTo("customers:applied,orders:applied");
    }

    @Test
    void undoModeWithoutWhatToUndoFailsStartupNamingTheProperty() {
        contextRunner.withPropertyValues("lockstep.mode=undo")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("lockstep.undo.to").hasMessageContaining("lockstep.undo.last"));
    }

    private String states() throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT string_agg(name || ':' || state, ',' ORDER BY version) FROM lockstep_applied_migrations")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
