package dev.lockstep.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.RoundTrip;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The round trip of each down, on a real PostgreSQL scratch database. */
class LockstepRoundTripTest {

    @TempDir
    Path dir;

    @BeforeEach
    void migrations() throws Exception {
        Files.writeString(dir.resolve("1_orders.up.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY, note text);");
        Files.writeString(dir.resolve("1_orders.down.sql"), "DROP TABLE orders;");
        Files.writeString(dir.resolve("2_orders_note.up.sql"),
                "ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';\nCREATE INDEX orders_note_idx ON orders (note);");
    }

    private String location() {
        return "filesystem:" + dir;
    }

    @Test
    void downsThatUndoTheirUpsPass() throws Exception {
        Files.writeString(dir.resolve("2_orders_note.down.sql"),
                "DROP INDEX orders_note_idx;\nALTER TABLE orders ALTER COLUMN note DROP DEFAULT;");

        LockstepRoundTrip.of(location()).assertDownsUndoTheirUps();

        assertThat(LockstepRoundTrip.of(location()).roundTrips()).extracting(RoundTrip::passed)
                .containsExactly(true, true);
    }

    /** The negative control: a down that forgets the index fails, naming the file and the index. */
    @Test
    void aDownThatForgetsToDropAnIndexFailsNamingItsFileAndTheIndex() throws Exception {
        Files.writeString(dir.resolve("2_orders_note.down.sql"), "ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;");

        assertThatThrownBy(() -> LockstepRoundTrip.of(location()).assertDownsUndoTheirUps())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 down migration(s) do not undo their up migration")
                .hasMessageContaining("2_orders_note.down.sql does not undo")
                .hasMessageContaining("+ index orders_note_idx");
    }

    @Test
    void aDownThatForgetsADefaultFailsNamingTheColumn() throws Exception {
        Files.writeString(dir.resolve("2_orders_note.down.sql"), "DROP INDEX orders_note_idx;");

        assertThatThrownBy(() -> LockstepRoundTrip.of(location()).assertDownsUndoTheirUps())
                .hasMessageContaining("column orders.note");
    }
}
