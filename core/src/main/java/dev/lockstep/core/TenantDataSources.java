package dev.lockstep.core;

import javax.sql.DataSource;

/**
 * Database-per-tenant: the DataSource of one tenant's database. Lockstep borrows connections from
 * it for the tenant's run and closes them; a pool it returns stays the caller's to close.
 */
@FunctionalInterface
public interface TenantDataSources {
    DataSource forTenant(String tenant);
}
