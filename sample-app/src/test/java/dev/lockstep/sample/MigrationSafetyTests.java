package dev.lockstep.sample;

import dev.lockstep.test.LockstepLint;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a migration would lock a live table for long (an index without
 * CONCURRENTLY, a rewriting ALTER, a constraint without NOT VALID, ...). Production runs every
 * migration of this sample, so none is left out; a real service would add
 * {@code .afterVersion(<the version in production>)}.
 */
class MigrationSafetyTests {

    @Test
    void noMigrationLocksALiveTableForLong() {
        LockstepLint.of("classpath:db/migrations").assertNoRiskyStatements();
    }
}
