package dev.lockstep.autoconfigure.slices;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;

@DataJpaTest(properties = "spring.jpa.hibernate.ddl-auto=validate")
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class DataJpaSliceTests extends SliceDatabase {

    @Autowired
    EntityManager entityManager;

    @Test
    void migratesBeforeHibernateValidatesTheSchema() {
        assertThat(entityManager.find(Book.class, 1L).getTitle()).isEqualTo("Migrations before anything");
    }
}
