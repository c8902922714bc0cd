package dev.lockstep.core.internal.sql;

/**
 * The table lock a statement takes.
 *
 * @param relation the table (or index, or view) as the statement names it
 * @param mode the strongest mode it asks for
 */
public record LockTaken(String relation, LockMode mode) {

    /** For messages: {@code SHARE UPDATE EXCLUSIVE on orders}. */
    public String describe() {
        return mode.sqlName() + " on " + relation;
    }
}
