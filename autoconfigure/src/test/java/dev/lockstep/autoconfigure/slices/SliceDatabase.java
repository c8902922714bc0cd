package dev.lockstep.autoconfigure.slices;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real PostgreSQL schema of its own for each slice test class, with the slice's own
 * {@code spring.datasource.*}: slices run with {@code replace = NONE}, as users on a real database do.
 */
abstract class SliceDatabase {

    private static TestSchema schema;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        schema = TestPostgres.get().newSchema();
        registry.add("spring.datasource.url", schema::jdbcUrl);
        registry.add("spring.datasource.username", () -> TestPostgres.get().user());
        registry.add("spring.datasource.password", () -> TestPostgres.get().password());
        registry.add("lockstep.locations", () -> "classpath:db/slice-migrations");
    }

    @AfterAll
    static void dropSchema() {
        schema.close();
    }
}
