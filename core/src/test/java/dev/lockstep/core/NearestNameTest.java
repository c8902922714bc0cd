package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A mistyped name finds the one meant; a name nothing is near finds none. */
class NearestNameTest {

    private static final List<String> KNOWN = List.of("locations", "lock.timeout", "lock.key", "fail-on-error",
            "tenants.query", "schema");

    @Test
    void aTypoFindsTheNameMeant() {
        assertThat(NearestName.among("lock.timout", KNOWN)).contains("lock.timeout");
        assertThat(NearestName.among("location", KNOWN)).contains("locations");
        assertThat(NearestName.among("fail-on-eror", KNOWN)).contains("fail-on-error");
        assertThat(NearestName.among("tenant.query", KNOWN)).contains("tenants.query");
    }

    @Test
    void aNameNothingIsNearFindsNone() {
        assertThat(NearestName.among("wal-level", KNOWN)).isEmpty();
        assertThat(NearestName.among("x", KNOWN)).isEmpty();
        assertThat(NearestName.among("", List.of("a"))).isEmpty();
    }
}
