package dev.lockstep.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

/**
 * Reads the database while the context starts, as many services do (caches, reference data). It
 * runs after Lockstep because it depends on a JPA repository, which Spring Boot orders after
 * database initialization.
 */
@Component
class StartupCustomerCount {

    private static final Log LOG = LogFactory.getLog(StartupCustomerCount.class);

    private final long customers;

    StartupCustomerCount(CustomerAccounts accounts) {
        this.customers = accounts.count();
        LOG.info("Started with " + customers + " customer(s) on file");
    }

    long customers() {
        return customers;
    }
}
