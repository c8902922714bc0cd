package dev.lockstep.core.internal.sql;

/** String literals for the SQL Lockstep writes itself (tracker rows, session restores). */
public final class Literals {

    private Literals() {
    }

    /**
     * A string literal that means the same whatever {@code standard_conforming_strings} says: an
     * {@code E''} string with backslashes and quotes escaped.
     */
    public static String escaped(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
