package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.LockstepDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;

/** A JPA slice on a clone: Hibernate validates the migrated schema and reads the seeded rows. */
@DataJpaTest
@LockstepDatabase
class CustomerAccountsTests {

    @Autowired
    CustomerAccounts accounts;

    @Test
    void theSeededCustomersAreThere() {
        assertThat(accounts.findAll()).extracting(CustomerAccount::getName).contains("Ada Lovelace");
    }
}
