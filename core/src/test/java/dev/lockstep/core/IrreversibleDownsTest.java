package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A start never runs a down, so nothing about a down file stops one. golang-migrate projects mark an
 * irreversible migration with a down file of comments only; such a history starts, the down is not
 * kept in the tracker, and undo refuses that migration by its file and comment. A down that cannot
 * run (an unclosed quote) is a warning at start naming the file and line, and refused by undo.
 */
class IrreversibleDownsTest extends SchemaTestBase {

    private static final String EMPTY_DOWN = "-- Intentionally empty: there is no automatic way to reconstruct the "
            + "dropped rows.\n-- Restore them from a backup if you must.\n";

    /** Twelve migrations as a real project writes them: pairs of up and down, two downs irreversible, one broken. */
    @BeforeEach
    void history() {
        for (int i = 1; i <= 12; i++) {
            String table = "t" + i;
            files.add(String.format("%06d_create_%s.up.sql", i, table), "CREATE TABLE " + table
                    + " (id bigint PRIMARY KEY, note text);\nINSERT INTO " + table + " VALUES (1, 'x');\n");
            files.add(String.format("%06d_create_%s.down.sql", i, table), "DROP TABLE " + table + ";\n");
        }
        files.add("000004_create_t4.down.sql", EMPTY_DOWN);
        files.add("000009_create_t9.down.sql", "\n\n" + EMPTY_DOWN);
        files.add("000011_create_t11.down.sql", "DELETE FROM t11 WHERE note = 'x;\n");
    }

    private LockstepConfiguration named() {
        return configure().lockKey(schema.lockKey()).runnerName("irreversible");
    }

    @Test
    void aHistoryWithCommentOnlyDownsStartsAndWarnsOnlyAboutTheBrokenOne() {
        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(named().load().migrate().applied())
                .hasSize(12));

        assertThat(log).anySatisfy(line -> assertThat(line).contains("000011_create_t11.down.sql, line 1:")
                .contains("A start never runs a down, so this one goes on; undo refuses this migration"));
        assertThat(log).noneSatisfy(line -> assertThat(line).contains("000004_create_t4.down.sql"));
        assertThat(Sql.rows(schema, "SELECT name FROM lockstep_applied_migrations WHERE down_sql IS NULL ORDER BY 1"))
                .as("a down undo refuses is not kept").extracting(row -> row.get("name"))
                .containsExactly("create_t11", "create_t4", "create_t9");
        assertThat(named().load().lint(m -> true)).as("the lint reads past them")
                .allSatisfy(finding -> assertThat(finding.file()).doesNotContain("t4.down", "t9.down", "t11.down"));
    }

    @Test
    void undoRefusesACommentOnlyDownNamingItsFileAndCommentAndUndoesNothing() {
        named().load().migrate();

        assertThatThrownBy(() -> named().load().planUndo(UndoTarget.to("3")))
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("Cannot undo 11_create_t11 (create_t11): ")
                .hasMessageContaining("4_create_t4 (create_t4): ")
                .hasMessageContaining("000004_create_t4.down.sql holds no SQL statement, only the comment '-- "
                        + "Intentionally empty: there is no automatic way to reconstruct the dropped rows.'")
                .hasMessageContaining("9_create_t9 (create_t9): ")
                .hasMessageContaining("000011_create_t11.down.sql, line 1:")
                .hasMessageContaining("Nothing was undone");
        assertThatThrownBy(() -> named().load().undo(UndoTarget.to("3"), null))
                .hasMessageContaining("4_create_t4 (create_t4)");

        assertThat(Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations WHERE state = 'applied'"))
                .isEqualTo(12);
        assertThat(Sql.value(schema, "SELECT to_regclass('t12') IS NOT NULL")).isEqualTo(true);
    }

    @Test
    void theMigrationsAboveAnIrreversibleOneStillUndo() {
        named().load().migrate();

        UndoPlan undone = named().load().undo(UndoTarget.to("11"), null);

        assertThat(undone.steps()).extracting(UndoPlan.Step::name).containsExactly("create_t12");
        assertThat(Sql.value(schema, "SELECT to_regclass('t12')")).isNull();
    }

    @Test
    void theBuildIndexListsEveryDownSoTheIndexStaysUsable() throws Exception {
        Path root = Files.createDirectories(dir.resolve("classes"));
        Path migrations = Files.createDirectories(root.resolve("db/migrations"));
        try (var listing = Files.list(files.path())) {
            for (Path file : listing.toList()) {
                Files.copy(file, migrations.resolve(file.getFileName()));
            }
        }

        LockstepIndex.Written written = LockstepIndex.write(root, List.of("classpath:db/migrations"),
                VersionsMode.UNIQUE);

        assertThat(written.files()).isEqualTo(24);
        assertThat(Files.readString(written.file())).contains("000004_create_t4.down.sql")
                .contains("\tdown\t-\t0\t");
    }
}
