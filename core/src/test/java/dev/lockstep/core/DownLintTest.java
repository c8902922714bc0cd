package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a down file would lose if an undo ran it: a lint finding, suppressible like the others. */
class DownLintTest {

    @TempDir
    Path dir;

    private List<LintFinding> lint(MigrationDir files) {
        return Lockstep.configure().dataSource(new NoDatabase()).locations(files.location()).load().lint(m -> true);
    }

    @Test
    void aDownThatDropsATableOrAColumnIsAFindingNamingItsFileAndLine() {
        MigrationDir files = new MigrationDir(dir)
                .add("1_orders.up.sql", "CREATE TABLE orders (id int);")
                .add("1_orders.down.sql", "DROP TABLE orders;")
                .add("2_orders_note.up.sql", "ALTER TABLE orders ADD COLUMN note text;")
                .add("2_orders_note.down.sql", "\nALTER TABLE orders DROP COLUMN note;");

        assertThat(lint(files)).extracting(f -> f.rule().id() + " " + f.file().replaceAll(".*/", "") + ":" + f.line())
                .containsExactly("drop-table 1_orders.down.sql:1", "drop-column 2_orders_note.down.sql:2");
    }

    @Test
    void theDownFileCanAcceptTheLossAndUpFilesAreNotToldAboutDrops() {
        MigrationDir files = new MigrationDir(dir)
                .add("1_orders.up.sql", "CREATE TABLE orders (id int);")
                .add("1_orders.down.sql", "-- lockstep:lint-ignore=drop-table\nDROP TABLE orders;")
                .add("2_drop_legacy.up.sql", "DROP TABLE IF EXISTS legacy;\nALTER TABLE orders DROP CONSTRAINT x;");

        assertThat(lint(files)).isEmpty();
    }
}
