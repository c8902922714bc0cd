package dev.lockstep.test.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.LockstepDatabase;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;

/**
 * A JPA slice on a clone, without {@code @AutoConfigureTestDatabase(replace = NONE)}: the support
 * turns the slice's embedded replacement off, and Hibernate validates the cloned schema.
 */
@DataJpaTest(properties = {"lockstep.locations=classpath:db/notes", "spring.jpa.hibernate.ddl-auto=validate"})
@LockstepDatabase
class NotesDataJpaTests {

    @Autowired
    EntityManager entityManager;

    @Test
    void entitiesReadAndWriteTheClonedSchema() {
        assertThat(entityManager.find(Note.class, 1L).getText()).isEqualTo("migrated once, cloned for each test");
        entityManager.persist(new Note(2L, "written in a clone"));
        entityManager.flush();
        assertThat(entityManager.createNativeQuery("SELECT current_database()").getSingleResult().toString())
                .startsWith("lockstep_clone_");
    }
}
