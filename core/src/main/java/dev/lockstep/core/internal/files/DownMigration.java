package dev.lockstep.core.internal.files;

import dev.lockstep.core.internal.sql.SqlSplitter;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * The down file of a migration ({@code 42_x.down.sql} or Flyway's {@code U42__x.sql}), read and
 * analysed like an up file: its checksum, its {@link FileFacts} (transaction mode, lint), its text.
 * Its text goes into the tracker row when the up migration is applied, so a release that no longer
 * ships the file can still undo the migration.
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

    public Iterator<SqlStatement> openStatements() {
        return new SqlSplitter(text(), SqlSplitter.DirectiveComments.IGNORED);
    }
}
