package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationVersionTest {

    @Test
    void ordersAsFlywayDoesPartByPartWithRepeatablesLast() {
        List<String> expected = List.of("0.1", "1", "1.1", "1.2", "1.10", "2", "2.0.3", "10", "R");
        List<MigrationVersion> shuffled = new ArrayList<>(expected.stream().map(MigrationVersionTest::version).toList());
        Collections.shuffle(shuffled, new java.util.Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(MigrationVersion::toString).containsExactlyElementsOf(expected);
    }

    @Test
    void trailingZerosAndLeadingZerosDoNotMakeAnotherVersion() {
        assertThat(MigrationVersion.parse("1.0")).isEqualTo(MigrationVersion.of(1)).hasSameHashCodeAs(MigrationVersion.of(1));
        assertThat(MigrationVersion.parse("0042")).isEqualTo(MigrationVersion.of(42));
        assertThat(MigrationVersion.parse("2_0_3")).isEqualTo(MigrationVersion.parse("2.0.3"));
        assertThat(MigrationVersion.parse("2.0.3")).isNotEqualTo(MigrationVersion.parse("2.3"));
    }

    @Test
    void aWholeNumberKeepsTheTrackerRowItAlwaysHad() {
        MigrationVersion whole = MigrationVersion.of(42);
        assertThat(whole.trackerVersion()).isEqualTo(42);
        assertThat(whole.trackerText()).isEmpty();
        MigrationVersion dotted = MigrationVersion.parse("2.0.3");
        assertThat(dotted.trackerVersion()).isEqualTo(2);
        assertThat(dotted.trackerText()).isEqualTo("2.0.3");
        assertThat(MigrationVersion.REPEATABLE.trackerVersion()).isZero();
        assertThat(MigrationVersion.REPEATABLE.trackerText()).isEqualTo("R");
        for (MigrationVersion v : List.of(whole, dotted, MigrationVersion.REPEATABLE)) {
            assertThat(MigrationVersion.fromTracker(v.trackerVersion(), v.trackerText())).isEqualTo(v);
        }
    }

    private static MigrationVersion version(String text) {
        return text.equals("R") ? MigrationVersion.REPEATABLE : MigrationVersion.parse(text);
    }
}
