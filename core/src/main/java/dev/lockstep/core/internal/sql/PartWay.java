package dev.lockstep.core.internal.sql;

import java.util.Optional;

/**
 * What a statement leaves when it stops half-way (cancelled by {@code lock_timeout} or
 * {@code statement_timeout}, its backend terminated, the server restarted), for a statement that
 * does its work in several transactions of its own or may commit inside. Such a statement is never
 * simply run again: part of it may have taken effect.
 *
 * @param kind what kind of work it does in steps
 * @param index the index it builds, drops or rebuilds, as the statement names it; empty when it names none
 * @param table the table it works on, where the statement names it
 */
public record PartWay(Kind kind, Optional<RelationName> index, Optional<RelationName> table) {

    /** The kinds of work done in steps. */
    public enum Kind {
        /** {@code CREATE [UNIQUE] INDEX CONCURRENTLY}: an INVALID index, dropped concurrently before building again. */
        BUILDS_INDEX,
        /** {@code DROP INDEX CONCURRENTLY}: the index, now INVALID; the same drop run again finishes it. */
        DROPS_INDEX,
        /** {@code REINDEX ... CONCURRENTLY}: INVALID copies named {@code <index>_ccnew} (or {@code _ccold}). */
        REINDEXES,
        /** {@code DETACH PARTITION ... CONCURRENTLY}: a partition pending detach, finished with {@code FINALIZE}. */
        DETACHES,
        /** {@code DO}, {@code CALL}: outside a transaction they may commit inside, before they stop. */
        COMMITS_INSIDE,
        /**
         * {@code VACUUM} (and {@code VACUUM FULL}, {@code ANALYZE} with it): what part of it ran changes no
         * data and no definition, so running it again, whole, does no harm.
         */
        VACUUMS,
        /** {@code REINDEX SCHEMA}, {@code CLUSTER} without a table and the like: each table in turn. */
        IN_STEPS
    }

    static PartWay of(Kind kind) {
        return new PartWay(kind, Optional.empty(), Optional.empty());
    }

    /** Whether running it again after {@code lock_timeout} cancelled it does no harm, whatever part of it ran. */
    public boolean harmlessAgain() {
        return kind == Kind.VACUUMS;
    }

    /** Whether the next start may finish it by itself: a named concurrent index build, or a concurrent drop. */
    public boolean resumable() {
        return kind == Kind.DROPS_INDEX || kind == Kind.BUILDS_INDEX && index.isPresent();
    }

    /** What it may have left, for a message: {@code "the INVALID index orders_idx"}. */
    public String leftover() {
        return switch (kind) {
            case BUILDS_INDEX -> index.map(i -> "the INVALID index " + i.text())
                    .orElse("an INVALID index on " + table.map(RelationName::text).orElse("its table")
                            + " (the build named none: find it with SELECT indexrelid::regclass FROM pg_index "
                            + "WHERE NOT indisvalid)");
            case DROPS_INDEX -> index.map(i -> "the index " + i.text() + ", INVALID and not yet dropped")
                    .orElse("an INVALID index");
            case REINDEXES -> "an INVALID copy of the index named "
                    + index.map(i -> i.text() + "_ccnew").orElse("<index>_ccnew") + " (or _ccold)";
            case DETACHES -> "a partition of " + table.map(RelationName::text).orElse("its table")
                    + " pending detach (finish it with ALTER TABLE ... DETACH PARTITION ... FINALIZE)";
            case COMMITS_INSIDE -> "whatever it committed before it stopped";
            case VACUUMS -> "the part of its vacuum done before it stopped, which running it again redoes harmlessly";
            case IN_STEPS -> "the part of its work done before it stopped";
        };
    }
}
