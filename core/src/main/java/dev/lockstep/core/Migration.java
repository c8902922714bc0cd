package dev.lockstep.core;

import java.util.Set;

/**
 * One up-migration on disk, read and checked: its identity {@code (version, name)}, where it came
 * from, its checksum, and whether it runs inside a transaction. Listeners and hooks receive it;
 * {@link Lockstep#scan()} lists them in the order they run.
 */
public interface Migration {

    /** Its version; {@link MigrationVersion#REPEATABLE} for a repeatable migration ({@code R__name.sql}). */
    MigrationVersion version();

    String name();

    /** Where the file was found, e.g. {@code classpath:db/migrations/0042_add_orders.up.sql}. */
    String file();

    /** Hex SHA-256 of the file's text with line endings normalised to LF and no BOM. */
    String checksum();

    /** Whether it runs in one transaction together with its tracker row. */
    boolean transactional();

    /** How many statements it holds. */
    int statementCount();

    /** The lint rules the file accepts ({@code -- lockstep:lint-ignore=}). */
    Set<LintRule> lintIgnored();

    /** Whether it is an expand/contract migration ({@code -- lockstep:expand-contract}). */
    default boolean expandContract() {
        return false;
    }

    /** Whether it is a repeatable migration, run again whenever its file changes. */
    default boolean repeatable() {
        return version().repeatable();
    }
}
