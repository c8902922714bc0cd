package dev.lockstep.core.internal.expand;

import dev.lockstep.core.internal.tracker.Identifiers;
import java.util.Optional;

/**
 * A column whose type an expansion changes: the second column of the new type beside it
 * ({@code age_lockstep_7}), and the functions and trigger that keep the two in step until the
 * contract, all named after that column, in the table's schema.
 *
 * @param schema the table's schema, quoted
 * @param helper the column of the new type
 * @param notNull whether the column is {@code NOT NULL} (the new one gets it at the contract)
 * @param oldDefault the column's default, which moves to the new one at the contract
 */
record Retype(String schema, String helper, boolean notNull, Optional<String> oldDefault) {

    private static final String NOT_NULL = "not-null";
    private static final String DEFAULT = "default=";

    static String helperOf(String column, String version) {
        return Identifiers.suffixed(column, "_lockstep_" + version.replaceAll("[^A-Za-z0-9]", "_"));
    }

    /** Turns an old value into the new type. */
    String up() {
        return schema + "." + Identifiers.quote(Identifiers.suffixed(helper, "_up"));
    }

    /** Turns a new value back into the old type. */
    String down() {
        return schema + "." + Identifiers.quote(Identifiers.suffixed(helper, "_down"));
    }

    /** The trigger function. */
    String sync() {
        return schema + "." + Identifiers.quote(Identifiers.suffixed(helper, "_sync"));
    }

    /** The trigger's name (on the table). */
    String trigger() {
        return Identifiers.quote(Identifiers.suffixed(helper, "_sync"));
    }

    /** The {@code NOT VALID} check on the new column, when the old is {@code NOT NULL}. */
    String check() {
        return Identifiers.quote(Identifiers.suffixed(helper, "_not_null"));
    }

    /** What {@link ExpansionTable.Row#detail()} keeps. */
    String detail() {
        return (notNull ? NOT_NULL : "") + ";" + oldDefault.map(d -> DEFAULT + d).orElse("");
    }

    static Retype of(String schema, String helper, String detail) {
        int semicolon = detail.indexOf(';');
        String rest = detail.substring(semicolon + 1);
        return new Retype(schema, helper, detail.substring(0, semicolon).equals(NOT_NULL),
                rest.startsWith(DEFAULT) ? Optional.of(rest.substring(DEFAULT.length())) : Optional.empty());
    }
}
