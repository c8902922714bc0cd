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
    void aVersionKnowsWhetherItIsWholeAndItsFirstPart() {
        assertThat(MigrationVersion.of(42).whole()).isTrue();
        assertThat(MigrationVersion.of(42).major()).isEqualTo(42);
        assertThat(MigrationVersion.parse("2.0.3").whole()).isFalse();
        assertThat(MigrationVersion.parse("2.0.3").major()).isEqualTo(2);
        assertThat(MigrationVersion.parse("2.0").whole()).as("trailing zero parts do not count").isTrue();
        assertThat(MigrationVersion.REPEATABLE.whole()).isFalse();
        assertThat(MigrationVersion.REPEATABLE.major()).isZero();
    }

    private static MigrationVersion version(String text) {
        return text.equals("R") ? MigrationVersion.REPEATABLE : MigrationVersion.parse(text);
    }
}
