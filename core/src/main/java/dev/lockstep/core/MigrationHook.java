package dev.lockstep.core;

import javax.sql.DataSource;

/**
 * Work to do before a given migration, such as backfilling data the migration's constraint needs.
 * A hook gets the pool, never the run's pinned connection (which holds the lock and must stay
 * free of foreign work). A hook that throws stops the run before its migration; nothing of that
 * migration is recorded.
 */
public interface MigrationHook {

    /** Whether this hook runs before the given migration. */
    boolean appliesTo(Migration migration);

    /** Runs just before the migration is applied, while the lock is held. */
    void beforeMigration(Migration migration, DataSource dataSource) throws Exception;
}
