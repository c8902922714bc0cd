package dev.lockstep.core.internal.files;

import dev.lockstep.core.MigrationFileException;
import dev.lockstep.core.internal.sql.FileProblem;
import dev.lockstep.core.internal.sql.SqlSplitter;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The down file of a migration ({@code 42_x.down.sql} or Flyway's {@code U42__x.sql}), read and
 * analysed like an up file: its checksum, its {@link FileFacts} (transaction mode, lint), its text.
 * Its text goes into the tracker row when the up migration is applied, so a release that no longer
 * ships the file can still undo the migration.
 *
 * <p>A start never runs a down, so nothing about a down file stops one: a down that cannot run (a
 * comment only, the usual way to say "irreversible", or an unclosed quote) is loaded all the same,
 * and {@link #refusal()} says why undo refuses it.
 */
public final class DownMigration {

    private final String file;
    private final String checksum;
    private final Supplier<FileFacts> facts;
    private final Supplier<String> text;
    /** The file as written, for another tenant's placeholder values. */
    private final Supplier<String> written;

    DownMigration(String file, String checksum, Supplier<FileFacts> facts, Supplier<String> text,
            Supplier<String> written) {
        this.file = file;
        this.checksum = checksum;
        this.facts = facts;
        this.text = text;
        this.written = written;
    }

    /** A down known only by its text, as the tracker stores it: analysed when first needed. */
    public static DownMigration stored(String file, String text, String checksum) {
        return new DownMigration(file, checksum, LoadedMigration.once(() -> FileFacts.of(text)), () -> text,
                () -> text);
    }

    /** A down file that could not be read as text: undo refuses it, saying why. */
    static DownMigration unreadable(String file, FileProblem problem) {
        Supplier<String> none = () -> {
            throw problem;
        };
        return new DownMigration(file, "", () -> FileFacts.of(none.get()), none, none);
    }

    /** This down with other placeholder values (a tenant's), analysed when first needed. */
    DownMigration withPlaceholders(Placeholders placeholders) {
        Supplier<String> substituted = () -> placeholders.apply(written.get());
        return new DownMigration(file, checksum, LoadedMigration.once(() -> FileFacts.of(substituted.get())),
                substituted, written);
    }

    public String file() {
        return file;
    }

    public String checksum() {
        return checksum;
    }

    public FileFacts facts() {
        return facts.get();
    }

    /** The text, read afresh (a changed file is refused). */
    public String text() {
        return text.get();
    }

    /**
     * Why undo cannot run this down, naming the file (and the line); empty when it can. A file of
     * comments only is quoted by its first comment, which says why the migration is irreversible.
     */
    public Optional<String> refusal() {
        try {
            facts();
            return Optional.empty();
        } catch (FileProblem e) {
            if (e.noStatement()) {
                return Optional.of(file + " holds no SQL statement" + firstComment(text()).map(c -> ", only the comment '"
                        + c + "'").orElse("") + ": it marks the migration as one that cannot be undone");
            }
            return Optional.of(file + (e.line() > 0 ? ", line " + e.line() : "") + ": " + e.getMessage());
        } catch (MigrationFileException e) {
            return Optional.of(String.join("; ", e.problems()));
        }
    }

    /** Whether the file says its migration cannot be undone: it holds comments only. */
    public boolean irreversible() {
        try {
            facts();
            return false;
        } catch (FileProblem e) {
            return e.noStatement();
        } catch (MigrationFileException e) {
            return false;
        }
    }

    /** The first comment line of a text without statements, for messages. */
    private static Optional<String> firstComment(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
                .map(line -> line.length() > 160 ? line.substring(0, 157) + "..." : line);
    }

    public Iterator<SqlStatement> openStatements() {
        return new SqlSplitter(text(), SqlSplitter.DirectiveComments.IGNORED);
    }
}
