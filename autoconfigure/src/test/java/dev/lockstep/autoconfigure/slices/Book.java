package dev.lockstep.autoconfigure.slices;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A JPA entity on the table migration 1_book creates; Hibernate validates it against the schema. */
@Entity
public class Book {

    @Id
    private Long id;

    private String title;

    public Long getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }
}
