package dev.lockstep.autoconfigure.testapp;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An application endpoint on a migrated table: what must not be reached before the migrations. */
@RestController
class CustomersController {

    private final JdbcClient jdbc;

    CustomersController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/customers")
    List<String> customers() {
        return jdbc.sql("SELECT name FROM customers ORDER BY id").query(String.class).list();
    }
}
