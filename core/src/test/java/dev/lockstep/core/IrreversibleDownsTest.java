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

    /**
     * Forty migrations as a golang-migrate project writes them (multica's shape): up and down pairs,
     * every fifth a concurrent index build with its concurrent drop, thirteen downs of comments only
     * (every third), one down that cannot run.
     */
    @BeforeEach
    void history() {
        for (int i = 1; i <= 40; i++) {
            String prefix = String.format("%06d_", i);
            if (i % 5 == 0) {
                String table = "t" + (i - 1);
                files.add(prefix + "index_" + table + ".up.sql", "CREATE INDEX CONCURRENTLY " + table + "_note ON "
                        + table + " (note);\n");
                files.add(prefix + "index_" + table + ".down.sql", "DROP INDEX CONCURRENTLY " + table + "_note;\n");
            } else {
                String table = "t" + i;
                files.add(prefix + "create_" + table + ".up.sql", "CREATE TABLE " + table
                        + " (id bigint PRIMARY KEY, note text);\nINSERT INTO " + table + " VALUES (1, 'x');\n");
                files.add(prefix + "create_" + table + ".down.sql", "-- lockstep:lint-ignore=drop-table\nDROP TABLE "
                        + table + ";\n");
            }
        }
        for (int i = 3; i <= 40; i += 3) {
            String name = i % 5 == 0 ? "index_t" + (i - 1) : "create_t" + i;
            files.add(String.format("%06d_", i) + name + ".down.sql", (i == 9 ? "\n\n" : "") + EMPTY_DOWN);
        }
        files.add("000011_create_t11.down.sql", "DELETE FROM t11 WHERE note = 'x;\n");
    }

    private LockstepConfiguration named() {
        return configure().lockKey(schema.lockKey()).runnerName("irreversible");
    }

    @Test
    void aHistoryWithCommentOnlyDownsStartsAndWarnsOnlyAboutTheBrokenOne() {
        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(named().load().migrate().applied())
                .hasSize(40));

        assertThat(log).anySatisfy(line -> assertThat(line).contains("000011_create_t11.down.sql, line 1:")
                .contains("A start never runs a down, so this one goes on; undo refuses this migration"));
        assertThat(log).noneSatisfy(line -> assertThat(line).contains("000003_create_t3.down.sql"));
        assertThat(Sql.rows(schema, "SELECT version FROM lockstep_applied_migrations WHERE down_sql IS NULL"))
                .as("a down undo refuses is not kept").extracting(row -> ((Number) row.get("version")).intValue())
                .containsExactlyInAnyOrder(3, 6, 9, 11, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39);
        assertThat(named().load().lint(m -> true)).as("the lint reads past them")
                .allSatisfy(finding -> assertThat(finding.file()).doesNotContain("t3.down", "t9.down", "t11.down"));
    }

    @Test
    void undoRefusesACommentOnlyDownNamingItsFileAndCommentAndUndoesNothing() {
        named().load().migrate();

        assertThatThrownBy(() -> named().load().planUndo(UndoTarget.to("2")))
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("Cannot undo 39_create_t39 (create_t39): ")
                .hasMessageContaining("3_create_t3 (create_t3): ")
                .hasMessageContaining("000003_create_t3.down.sql holds no SQL statement, only the comment '-- "
                        + "Intentionally empty: there is no automatic way to reconstruct the dropped rows.'")
                .hasMessageContaining("15_index_t14 (index_t14): ")
                .hasMessageContaining("9_create_t9 (create_t9): ")
                .hasMessageContaining("000011_create_t11.down.sql, line 1:")
                .hasMessageContaining("Nothing was undone");
        assertThatThrownBy(() -> named().load().undo(UndoTarget.to("2"), null))
                .hasMessageContaining("3_create_t3 (create_t3)");

        assertThat(Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations WHERE state = 'applied'"))
                .isEqualTo(40);
        assertThat(Sql.value(schema, "SELECT to_regclass('t40') IS NOT NULL")).isEqualTo(false);
        assertThat(Sql.value(schema, "SELECT to_regclass('t38') IS NOT NULL")).isEqualTo(true);
    }

    @Test
    void theMigrationsAboveAnIrreversibleOneStillUndo() {
        named().load().migrate();

        UndoPlan undone = named().load().undo(UndoTarget.to("39"), null);

        assertThat(undone.steps()).extracting(UndoPlan.Step::name).containsExactly("index_t39");
        assertThat(undone.steps()).extracting(UndoPlan.Step::transactional).containsExactly(false);
        assertThat(Sql.value(schema, "SELECT to_regclass('t39_note')")).isNull();
        assertThat(Sql.value(schema, "SELECT to_regclass('t39') IS NOT NULL")).isEqualTo(true);
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

        assertThat(written.files()).isEqualTo(80);
        assertThat(Files.readString(written.file())).contains("000003_create_t3.down.sql")
                .contains("\tdown\t-\t0\t");
    }
}
