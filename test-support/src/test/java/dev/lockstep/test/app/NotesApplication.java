package dev.lockstep.test.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the Spring test support is tried on: notes in a table Lockstep migrates. */
@SpringBootApplication
public class NotesApplication {
}
