package dev.lockstep.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.LintFinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lint as a test-suite assertion; {@code pendingOn} against a real PostgreSQL. */
class LockstepLintTest {

    @TempDir
    Path dir;

    @BeforeEach
    void migrations() throws Exception {
        Files.writeString(dir.resolve("1_orders.up.sql"), "CREATE TABLE orders (id bigint, note text);");
        Files.writeString(dir.resolve("2_orders_note_index.up.sql"), "CREATE INDEX orders_note_idx ON orders (note);");
    }

    @Test
    void failsListingEachRiskyStatementWithTheSafeWayAndHowToAcceptIt() {
        assertThatThrownBy(() -> LockstepLint.of(location()).assertNoRiskyStatements())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 risky statement(s)")
                .hasMessageContaining("2_orders_note_index.up.sql, line 1: index-not-concurrent on orders")
                .hasMessageContaining("CREATE INDEX CONCURRENTLY in a migration of its own")
                .hasMessageContaining("-- lockstep:lint-ignore=index-not-concurrent");
    }

    @Test
    void passesWhenTheFileAcceptsTheRule() throws Exception {
        Files.writeString(dir.resolve("2_orders_note_index.up.sql"),
                "-- lockstep:lint-ignore=index-not-concurrent\nCREATE INDEX orders_note_idx ON orders (note);");

        LockstepLint.of(location()).assertNoRiskyStatements();
    }

    @Test
    void afterVersionLeavesOutWhatIsDeployedAlready() throws Exception {
        Files.writeString(dir.resolve("3_rename_note.up.sql"), "ALTER TABLE orders RENAME COLUMN note TO remark;");

        assertThat(LockstepLint.of(location()).afterVersion(2).findings()).extracting(LintFinding::file)
                .singleElement().asString().endsWith("3_rename_note.up.sql");
    }

    @Test
    void pendingOnLeavesOutWhatTheDatabaseHasApplied() throws Exception {
        TemplateDatabase template = TemplateDatabase.builder().locations(location()).poolSize(0).build();
        try (ClonedDatabase production = template.newClone()) {
            Files.writeString(dir.resolve("3_rename_note.up.sql"), "ALTER TABLE orders RENAME COLUMN note TO remark;");

            assertThat(LockstepLint.of(location()).pendingOn(production.dataSource()).findings())
                    .extracting(f -> f.rule().id()).containsExactly("rename");
        } finally {
            try (Connection c = template.server().connect(); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + template.name() + " WITH IS_TEMPLATE false");
                s.execute("DROP DATABASE " + template.name());
            }
        }
    }

    private String location() {
        return "filesystem:" + dir;
    }
}
