package dev.lockstep.core.internal.files;

import dev.lockstep.core.LintRule;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationFileException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.sql.FileProblem;
import dev.lockstep.core.internal.sql.SessionEffects;
import dev.lockstep.core.internal.sql.SqlSplitter;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A migration as the engine knows it: the file, read and checked, with its {@link FileFacts}, and
 * its statements: those its one reading gave when the file is small, else read again from the file
 * when it runs (refused if it changed), so that a 50 MB file of INSERTs costs memory only while it
 * is applied.
 */
public final class LoadedMigration implements Migration {

    /** Opens the statements, one at a time (kept, or read afresh), each time the migration runs. */
    @FunctionalInterface
    public interface StatementSource {
        /**
         * @throws LockstepException if the file can no longer be read, or changed since it was checked
         */
        Iterator<SqlStatement> open();
    }

    private final MigrationId id;
    private final String file;
    private final String checksum;
    private final Supplier<FileFacts> facts;
    private final StatementSource statements;
    private final Supplier<String> text;
    /** The file's text as written, read afresh, for {@link #withPlaceholders}; null when it has no {@code ${}. */
    private final Supplier<String> written;
    /** Its down file; null when it has none. */
    private final DownMigration down;

    public LoadedMigration(MigrationId id, String file, String checksum, FileFacts facts, StatementSource statements,
            Supplier<String> text) {
        this(id, file, checksum, () -> facts, statements, text, null, null);
    }

    LoadedMigration(MigrationId id, String file, String checksum, Supplier<FileFacts> facts,
            StatementSource statements, Supplier<String> text, Supplier<String> written, DownMigration down) {
        this.id = id;
        this.file = file;
        this.checksum = checksum;
        this.facts = facts;
        this.statements = statements;
        this.text = text;
        this.written = written;
        this.down = down;
    }

    /** This migration with its down file. */
    LoadedMigration withDown(DownMigration down) {
        return new LoadedMigration(id, file, checksum, facts, statements, text, written, down);
    }

    /** Its down file, when it has one. */
    public Optional<DownMigration> down() {
        return Optional.ofNullable(down);
    }

    /**
     * The down the tracker keeps with this migration's row: its down file, unless undo would refuse
     * it ({@link DownMigration#refusal()}), so that no release ever runs a down its file refused.
     */
    public Optional<DownMigration> keptDown() {
        return down().filter(d -> d.refusal().isEmpty());
    }

    /**
     * This migration with other placeholder values (a tenant's): itself when its file has no
     * {@code ${}, else a copy whose text, statements and facts come from the file with these values,
     * read and analysed once, when first needed; the checksum stays the file's.
     */
    public LoadedMigration withPlaceholders(Placeholders placeholders) {
        if (written == null) {
            return down == null || placeholders.isEmpty() ? this
                    : new LoadedMigration(id, file, checksum, facts, statements, text, null,
                            down.withPlaceholders(placeholders));
        }
        Supplier<String> substituted = () -> {
            try {
                return placeholders.apply(written.get());
            } catch (FileProblem e) {
                throw inFile(e);
            }
        };
        Supplier<FileFacts> analysed = new Once<>(() -> {
            try {
                return FileFacts.of(substituted.get());
            } catch (FileProblem e) {
                throw inFile(e);
            }
        });
        return new LoadedMigration(id, file, checksum, analysed,
                () -> new SqlSplitter(substituted.get(), SqlSplitter.DirectiveComments.IGNORED),
                substituted, written, down == null ? null : down.withPlaceholders(placeholders));
    }

    /**
     * Analyses each of these migrations now, if not yet done: a run calls it before applying
     * anything, so a file the build's index stood in for fails before the first migration, as a file
     * read at load does.
     *
     * @throws MigrationFileException listing every file that cannot run
     */
    public static void analyse(List<LoadedMigration> migrations) {
        List<String> problems = new ArrayList<>();
        for (LoadedMigration migration : migrations) {
            try {
                migration.facts(); // not its down's: a start never runs a down, and the tracker keeps only one undo accepts
            } catch (MigrationFileException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new MigrationFileException(problems);
        }
    }

    /** A value computed on first use and kept. */
    static <T> Supplier<T> once(Supplier<T> compute) {
        return new Once<>(compute);
    }

    private MigrationFileException inFile(FileProblem e) {
        return new MigrationFileException(List.of(file + (e.line() > 0 ? ", line " + e.line() : "") + ": "
                + e.getMessage()));
    }

    /** Computes a value on first use and keeps it; safe from several threads. */
    private static final class Once<T> implements Supplier<T> {
        private final Supplier<T> compute;
        private volatile T value;

        Once(Supplier<T> compute) {
            this.compute = compute;
        }

        @Override
        public T get() {
            T known = value;
            if (known == null) {
                synchronized (this) {
                    known = value;
                    if (known == null) {
                        known = compute.get();
                        value = known;
                    }
                }
            }
            return known;
        }
    }

    /** A migration read from text held in memory (for tests and tools that have no file). */
    public static LoadedMigration ofText(MigrationId id, String file, String text) {
        return new LoadedMigration(id, file, Checksums.sha256(text), FileFacts.of(text),
                () -> new SqlSplitter(text, SqlSplitter.DirectiveComments.IGNORED),
                () -> text);
    }

    @Override
    public MigrationVersion version() {
        return id.version();
    }

    @Override
    public String name() {
        return id.name();
    }

    @Override
    public String file() {
        return file;
    }

    @Override
    public String checksum() {
        return checksum;
    }

    @Override
    public boolean transactional() {
        return facts.get().transactional();
    }

    @Override
    public int statementCount() {
        return facts.get().statementCount();
    }

    @Override
    public Set<LintRule> lintIgnored() {
        return facts.get().lintIgnored();
    }

    @Override
    public boolean expandContract() {
        return facts().expandContract().isPresent();
    }

    public MigrationId id() {
        return id;
    }

    /** What one pass over the file found: transaction mode, session changes, what the lint needs. */
    public FileFacts facts() {
        return facts.get();
    }

    /** The session settings and role its text changes, so the run can put them back after it. */
    public SessionEffects sessionEffects() {
        return facts.get().sessionEffects();
    }

    /**
     * The file's text, read afresh, with line endings normalised to LF and no BOM.
     *
     * @throws LockstepException if the file can no longer be read, or changed since it was checked
     */
    public String text() {
        return text.get();
    }

    /** Its statements, in order, each with its facts. */
    public Iterator<SqlStatement> openStatements() {
        return statements.open();
    }

    @Override
    public String toString() {
        return file;
    }
}
