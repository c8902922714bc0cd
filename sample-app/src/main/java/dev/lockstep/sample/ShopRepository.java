package dev.lockstep.sample;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Customers and orders over {@link JdbcClient}, on the schema the migrations built. */
@Repository
class ShopRepository {

    private final JdbcClient jdbc;

    ShopRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Customer> customers() {
        return jdbc.sql("SELECT id, name, email, created_at FROM customers ORDER BY id").query(Customer.class).list();
    }

    Optional<Customer> customer(long id) {
        return jdbc.sql("SELECT id, name, email, created_at FROM customers WHERE id = ?").param(id)
                .query(Customer.class).optional();
    }

    Customer addCustomer(String name, String email) {
        return jdbc.sql("INSERT INTO customers (name, email) VALUES (?, ?) RETURNING id, name, email, created_at")
                .params(name, email).query(Customer.class).single();
    }

    List<Order> orders(long customerId) {
        return jdbc.sql("SELECT id, customer_id, amount_cents, status, created_at FROM orders WHERE customer_id = ? "
                + "ORDER BY id").param(customerId).query(Order.class).list();
    }

    Order addOrder(long customerId, long amountCents) {
        return jdbc.sql("INSERT INTO orders (customer_id, amount_cents) VALUES (?, ?) "
                + "RETURNING id, customer_id, amount_cents, status, created_at")
                .params(customerId, amountCents).query(Order.class).single();
    }

    /** Calls the PL/pgSQL function from migration 0005. */
    long lifetimeValueCents(long customerId) {
        return jdbc.sql("SELECT customer_lifetime_value(?)").param(customerId).query(Long.class).single();
    }
}
