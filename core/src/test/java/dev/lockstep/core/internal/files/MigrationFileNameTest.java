package dev.lockstep.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MigrationFileNameTest {

    @ParameterizedTest
    @CsvSource({
            "0042_add_orders.up.sql, 42, add_orders, true",
            "0042_add_orders.down.sql, 42, add_orders, false",
            "20261121093000_timestamped.up.sql, 20261121093000, timestamped, true",
            "1_with.dots.in.name.up.sql, 1, with.dots.in.name, true",
            "V7__flyway_style.sql, 7, flyway_style, true",
            "U7__flyway_style.sql, 7, flyway_style, false",
            "9223372036854775807_max.up.sql, 9223372036854775807, max, true",
            "V1.1__dotted.sql, 1.1, dotted, true",
            "V2_0_3__underscores_as_dots.sql, 2.0.3, underscores_as_dots, true",
            "V1.0__trailing_zero.sql, 1, trailing_zero, true",
            "V0.1__below_one.sql, 0.1, below_one, true",
            "V01.002__leading_zeros.sql, 1.2, leading_zeros, true",
            "U1.1__dotted.sql, 1.1, dotted, false",
            "R__views.sql, R, views, true",
    })
    void parsesEveryStyle(String file, String version, String name, boolean up) {
        MigrationFileName parsed = MigrationFileName.parse(file);
        assertThat(parsed.version().toString()).isEqualTo(version);
        assertThat(parsed.name()).isEqualTo(name);
        assertThat(parsed.up()).isEqualTo(up);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "create.sql | does not match",
            "42_.up.sql | does not match",
            "42.up.sql | does not match",
            "V1_single_underscore.sql | does not match",
            "V1.__dotted.sql | does not match",
            "V1..2__dotted.sql | does not match",
            "1.1_dotted.up.sql | does not match",
            "R1__versioned_repeatable.sql | does not match",
            "V0.0__zero.sql | version 0.0 is not positive",
            "000_zero.up.sql | version 000 is not positive",
            "9223372036854775808_too_big.up.sql | larger than 9223372036854775807",
            "12345678901234567890_twenty_digits.up.sql | more than 19 digits",
    })
    void rejectsWithTheReason(String file, String reason) {
        assertThatThrownBy(() -> MigrationFileName.parse(file)).hasMessageContaining(reason);
    }
}
