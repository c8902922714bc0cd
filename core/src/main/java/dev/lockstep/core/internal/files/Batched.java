package dev.lockstep.core.internal.files;

import java.util.Optional;

/**
 * What {@code -- lockstep:batched table=<table> key=<column> [class=<java class>]} says: the
 * migration is a background job over {@code table}, in batches of its integer {@code key}. Its one
 * statement restricts itself to a batch with {@value #FROM} and {@value #TO}, which the engine fills
 * per batch; or, with {@code class=}, a {@code dev.lockstep.core.BatchedMigration} does each batch and
 * the file holds no statement.
 *
 * @param table the table as the statement names it, resolved on the target's {@code search_path}
 * @param key the column whose order the batches follow
 * @param javaClass the class that does each batch, when the file says {@code class=}
 */
public record Batched(String table, String key, Optional<String> javaClass) {

    /** The first key of a batch, inclusive. */
    public static final String FROM = "${batch.from}";
    /** The key after a batch's last, exclusive. */
    public static final String TO = "${batch.to}";
    /** What {@link Placeholders} leaves for the engine: the names inside {@code ${...}} of {@link #FROM} and {@link #TO}. */
    static final String RESERVED_PREFIX = "batch.";

    /** {@code text} with this batch's keys in place of {@link #FROM} and {@link #TO}. */
    public static String fill(String text, long from, long to) {
        return text.replace(FROM, Long.toString(from)).replace(TO, Long.toString(to));
    }
}
