package dev.lockstep.autoconfigure.slices;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class JdbcSliceTests extends SliceDatabase {

    @Autowired
    JdbcClient jdbc;

    @Test
    void migratesTheSlicesDatabase() {
        assertThat(jdbc.sql("SELECT title FROM book WHERE id = 1").query(String.class).single())
                .isEqualTo("Migrations before anything");
    }
}
