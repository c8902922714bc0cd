package dev.lockstep.core;

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
    })
    void parsesBothStyles(String file, long version, String name, boolean up) {
        assertThat(MigrationFileName.parse(file)).isEqualTo(new MigrationFileName(version, name, up));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "create.sql | does not match",
            "42_.up.sql | does not match",
            "42.up.sql | does not match",
            "V1_single_underscore.sql | does not match",
            "V1.1__dotted.sql | does not match",
            "R__repeatable.sql | does not match",
            "000_zero.up.sql | version 000 is not positive",
            "9223372036854775808_too_big.up.sql | does not fit in a bigint",
            "12345678901234567890_twenty_digits.up.sql | more than 19 digits",
    })
    void rejectsWithTheReason(String file, String reason) {
        assertThatThrownBy(() -> MigrationFileName.parse(file)).hasMessageContaining(reason);
    }
}
