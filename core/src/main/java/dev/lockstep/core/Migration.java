package dev.lockstep.core;

import java.util.List;

/**
 * One up-migration on disk, read and checked: its identity {@code (version, name)}, where it came
 * from, its checksum, its statements and whether it runs inside a transaction.
 */
public final class Migration {

    private final long version;
    private final String name;
    private final String file;
    private final String checksum;
    private final boolean transactional;
    private final List<SqlStatement> statements;

    Migration(long version, String name, String file, String checksum, boolean transactional,
            List<SqlStatement> statements) {
        this.version = version;
        this.name = name;
        this.file = file;
        this.checksum = checksum;
        this.transactional = transactional;
        this.statements = List.copyOf(statements);
    }

    public long version() {
        return version;
    }

    public String name() {
        return name;
    }

    /** Where the file was found, e.g. {@code classpath:db/migrations/0042_add_orders.up.sql}. */
    public String file() {
        return file;
    }

    /** Hex SHA-256 of the file's text with line endings normalised to LF and no BOM. */
    public String checksum() {
        return checksum;
    }

    /** Whether it runs in one transaction together with its tracker row. */
    public boolean transactional() {
        return transactional;
    }

    /** How many statements it holds. */
    public int statementCount() {
        return statements.size();
    }

    List<SqlStatement> statements() {
        return statements;
    }

    MigrationId id() {
        return new MigrationId(version, name);
    }

    @Override
    public String toString() {
        return file;
    }
}
