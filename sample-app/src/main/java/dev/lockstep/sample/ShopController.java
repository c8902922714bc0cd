package dev.lockstep.sample;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
class ShopController {

    record NewCustomer(String name, String email) {
    }

    record NewOrder(long amountCents) {
    }

    private final ShopRepository shop;

    ShopController(ShopRepository shop) {
        this.shop = shop;
    }

    @GetMapping("/customers")
    List<Customer> customers() {
        return shop.customers();
    }

    @PostMapping("/customers")
    @ResponseStatus(HttpStatus.CREATED)
    Customer addCustomer(@RequestBody NewCustomer customer) {
        if (customer.name() == null || customer.name().isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name is required");
        }
        return shop.addCustomer(customer.name(), customer.email());
    }

    @GetMapping("/customers/{id}/orders")
    List<Order> orders(@PathVariable long id) {
        requireCustomer(id);
        return shop.orders(id);
    }

    @PostMapping("/customers/{id}/orders")
    @ResponseStatus(HttpStatus.CREATED)
    Order addOrder(@PathVariable long id, @RequestBody NewOrder order) {
        requireCustomer(id);
        return shop.addOrder(id, order.amountCents());
    }

    @GetMapping("/customers/{id}/lifetime-value")
    Map<String, Long> lifetimeValue(@PathVariable long id) {
        requireCustomer(id);
        return Map.of("customerId", id, "lifetimeValueCents", shop.lifetimeValueCents(id));
    }

    private void requireCustomer(long id) {
        if (shop.customer(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no customer " + id);
        }
    }
}
