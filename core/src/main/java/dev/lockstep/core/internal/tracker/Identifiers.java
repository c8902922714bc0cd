package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.LockstepConfigurationException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Checks identifiers that come from configuration and quotes every identifier that goes into SQL,
 * so a setting can never inject SQL and a name is used exactly as written.
 */
public final class Identifiers {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    /** PostgreSQL truncates longer names (NAMEDATALEN - 1). */
    private static final int MAX_BYTES = 63;

    private Identifiers() {
    }

    /** Returns the identifier unchanged, or fails naming the setting it came from. */
    public static String validate(String setting, String identifier) {
        if (identifier == null || !PLAIN.matcher(identifier).matches()) {
            throw new LockstepConfigurationException(setting, "'" + identifier + "' is not a valid identifier; use "
                    + "letters, digits, _ and $, starting with a letter or _ (it is quoted, so case is kept)");
        }
        if (identifier.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new LockstepConfigurationException(setting, "'" + identifier + "' is longer than " + MAX_BYTES
                    + " bytes, which PostgreSQL would silently truncate; choose a shorter name");
        }
        return identifier;
    }

    /**
     * {@code name} with {@code suffix}, {@code name} cut short so the whole stays within 63 bytes: the
     * name of a table Lockstep keeps beside the tracker ({@code <tracker>_schema}, {@code <tracker>_jobs}).
     */
    public static String suffixed(String name, String suffix) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length + suffix.length() <= MAX_BYTES) {
            return name + suffix;
        }
        String cut = new String(java.util.Arrays.copyOf(bytes, MAX_BYTES - suffix.length()), StandardCharsets.UTF_8);
        return cut.replace("\uFFFD", "") + suffix;
    }

    /** {@code "schema"."table"}, both quoted. */
    public static String qualify(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** {@code "name"}, with embedded double quotes doubled. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
