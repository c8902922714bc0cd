package dev.lockstep.autoconfigure.slices;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.data.relational.core.mapping.Table;

@DataJdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class DataJdbcSliceTests extends SliceDatabase {

    @Table("book")
    record BookRow(@org.springframework.data.annotation.Id Long id, String title) {
    }

    @Autowired
    JdbcAggregateTemplate aggregates;

    @Test
    void migratesTheSlicesDatabase() {
        assertThat(aggregates.findById(1L, BookRow.class).title()).isEqualTo("Migrations before anything");
    }
}
