package dev.lockstep.test.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.LockstepDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/** A full application on a clone: the schema is there, and Lockstep in the application applied nothing. */
@SpringBootTest(properties = {"lockstep.locations=classpath:db/notes", "spring.jpa.hibernate.ddl-auto=validate"})
@LockstepDatabase
class NotesSpringBootTests {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theApplicationRunsOnAMigratedCloneAndFindsNothingToApply() {
        assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).startsWith("lockstep_clone_");
        assertThat(jdbc.queryForObject("SELECT text FROM note WHERE id = 1", String.class))
                .isEqualTo("migrated once, cloned for each test");
        assertThat(jdbc.queryForList("SELECT applied_by FROM lockstep_applied_migrations", String.class))
                .hasSize(2).allSatisfy(by -> assertThat(by).contains("lockstep-test template"));
    }
}
