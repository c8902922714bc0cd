package dev.lockstep.core;

import java.time.Duration;

/**
 * A migration this run applied.
 *
 * @param migration the file
 * @param took how long its statements took
 * @param outOfOrder whether a migration with a higher version had already been applied
 */
public record AppliedMigration(Migration migration, Duration took, boolean outOfOrder) {
}
