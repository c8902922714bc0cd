package dev.lockstep.autoconfigure.slices;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jooq.test.autoconfigure.JooqTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * jOOQ 3.21, which Spring Boot 4.1 manages, is built for Java 21: on an older JVM this test is
 * skipped (and names no jOOQ type, so it still compiles there).
 */
@JooqTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@EnabledForJreRange(min = JRE.JAVA_21)
class JooqSliceTests extends SliceDatabase {

    @Autowired
    ApplicationContext context;

    @Test
    void migratesBeforeTheDslContextIsUsed() {
        assertThat(context.containsBean("dslContext")).isTrue();
        JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
        assertThat(jdbc.queryForObject("SELECT title FROM book WHERE id = 1", String.class))
                .isEqualTo("Migrations before anything");
    }
}
