package dev.lockstep.benchmarks;

import java.nio.file.Path;

/**
 * One set of migrations laid out for every tool: golang-migrate names for Lockstep and the floor,
 * Flyway names, and a Liquibase changelog of {@code sqlFile} changes, all with the same SQL.
 *
 * @param name how the results name the set: its size, or the folder it came from
 * @param count how many migrations it holds
 */
record MigrationSet(String name, int count, Path lockstepDir, Path flywayDir, Path liquibaseChangelog) {

    /**
     * A set only Lockstep runs (the real-set shape shares versions between files, which Flyway
     * refuses), or a row of a table that is no set at all: it has no Flyway or Liquibase layout,
     * and must never be handed to {@link Tools}.
     */
    static MigrationSet lockstepOnly(String name, int count, Path lockstepDir) {
        return new MigrationSet(name, count, lockstepDir, null, null);
    }
}
