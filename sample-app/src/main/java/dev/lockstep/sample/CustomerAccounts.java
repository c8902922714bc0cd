package dev.lockstep.sample;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA over the migrated customers table. */
interface CustomerAccounts extends JpaRepository<CustomerAccount, Long> {
}
