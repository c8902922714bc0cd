package dev.lockstep.core;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One up-migration on disk, read and checked: its identity {@code (version, name)}, where it came
 * from, its checksum, whether it runs inside a transaction, and what it changes in the session.
 * Its statements are not kept: they are read again from the file when it runs, so a 50 MB file of
 * INSERTs costs memory only while it is applied.
 */
public final class Migration {

    /** Opens the statements, one at a time, each time the migration runs. */
    @FunctionalInterface
    interface StatementSource {
        /**
         * @throws LockstepException if the file can no longer be read, or changed since it was checked
         * @throws FileProblem if the text no longer splits
         */
        Iterator<SqlStatement> open();
    }

    private final MigrationVersion version;
    private final String name;
    private final String file;
    private final String checksum;
    private final boolean transactional;
    private final int statementCount;
    private final SessionState.Changes sessionChanges;
    private final Set<LintRule> lintIgnored;
    private final StatementSource statements;
    private final Supplier<String> text;

    Migration(MigrationVersion version, String name, String file, String checksum, boolean transactional,
            int statementCount, SessionState.Changes sessionChanges, Set<LintRule> lintIgnored,
            StatementSource statements, Supplier<String> text) {
        this.version = version;
        this.name = name;
        this.file = file;
        this.checksum = checksum;
        this.transactional = transactional;
        this.statementCount = statementCount;
        this.sessionChanges = sessionChanges;
        this.lintIgnored = Set.copyOf(lintIgnored);
        this.statements = statements;
        this.text = text;
    }

    /** A migration whose statements are already in memory. */
    Migration(MigrationVersion version, String name, String file, String checksum, boolean transactional,
            List<SqlStatement> statements) {
        this(version, name, file, checksum, transactional, statements.size(), SessionState.Changes.of(statements),
                Set.of(), List.copyOf(statements)::iterator,
                () -> statements.stream().map(SqlStatement::text).collect(Collectors.joining(";\n")));
    }

    /** A whole-number migration whose statements are already in memory. */
    Migration(long version, String name, String file, String checksum, boolean transactional,
            List<SqlStatement> statements) {
        this(MigrationVersion.of(version), name, file, checksum, transactional, statements);
    }

    /** Its version; {@link MigrationVersion#REPEATABLE} for a repeatable migration ({@code R__name.sql}). */
    public MigrationVersion version() {
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
        return statementCount;
    }

    /** The session settings and role its text changes, so the run can put them back after it. */
    SessionState.Changes sessionChanges() {
        return sessionChanges;
    }

    /** The lint rules the file accepts ({@code -- lockstep:lint-ignore=}). */
    public Set<LintRule> lintIgnored() {
        return lintIgnored;
    }

    /**
     * The file's text, read afresh, with line endings normalised to LF and no BOM.
     *
     * @throws LockstepException if the file can no longer be read, or changed since it was checked
     */
    String text() {
        return text.get();
    }

    /** Its statements, in order, read afresh. */
    Iterator<SqlStatement> openStatements() {
        return statements.open();
    }

    /** Whether it is a repeatable migration, run again whenever its file changes. */
    public boolean repeatable() {
        return version.repeatable();
    }

    MigrationId id() {
        return new MigrationId(version, name);
    }

    @Override
    public String toString() {
        return file;
    }
}
