package dev.lockstep.test.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.LockstepDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** With Testcontainers' {@code @ServiceConnection}, the clone is made on the container's server. */
@SpringBootTest(properties = "lockstep.locations=classpath:db/notes")
@Testcontainers(disabledWithoutDocker = true)
@LockstepDatabase
class NotesServiceConnectionTests {

    @Container
    @ServiceConnection
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17-alpine");

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JdbcConnectionDetails connection;

    @Test
    void theCloneIsOnTheContainersServer() {
        assertThat(connection.getJdbcUrl()).startsWith(POSTGRES.getJdbcUrl().replaceAll("/[^/?]*(\\?.*)?$", "/"));
        assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).startsWith("lockstep_clone_");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM note", Integer.class)).isEqualTo(1);
    }
}
