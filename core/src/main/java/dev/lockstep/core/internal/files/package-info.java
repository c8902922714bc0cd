/**
 * Internal: the migration files, before any connection.
 * {@link dev.lockstep.core.internal.files.MigrationScanner} lists the {@code .sql} files of each
 * location (folders, jars, native images), following symbolic links;
 * {@link dev.lockstep.core.internal.files.MigrationLoader} turns each into a
 * {@link dev.lockstep.core.internal.files.LoadedMigration} or a problem naming the file and line:
 * {@code MigrationFileName} parses the name, {@code FileText} decodes the bytes,
 * {@code Checksums} hashes them, {@code Directives} reads the {@code -- lockstep:} lines and
 * {@link dev.lockstep.core.internal.files.FileFacts} gathers the statements' facts (transaction
 * mode, session changes, what the lint needs) in one pass. A migration's statements are not kept:
 * they are read again when it runs, and a file that changed meanwhile is refused.
 */
package dev.lockstep.core.internal.files;
