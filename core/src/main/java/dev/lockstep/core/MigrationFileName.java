package dev.lockstep.core;

import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed migration file name: {@code 0042_add_orders.up.sql} / {@code .down.sql}
 * (golang-migrate style) or {@code V42__add_orders.sql} / {@code U42__add_orders.sql} (Flyway
 * style). The name is taken in Unicode NFC form.
 */
record MigrationFileName(long version, String name, boolean up) {

    static final String EXPECTED = "<version>_<name>.up.sql, <version>_<name>.down.sql, "
            + "V<version>__<name>.sql or U<version>__<name>.sql, with a positive integer version";

    private static final Pattern GOLANG = Pattern.compile("(\\d+)_(.+)\\.(up|down)\\.sql");
    private static final Pattern FLYWAY = Pattern.compile("([VU])(\\d+)__(.+)\\.sql");
    private static final int MAX_DIGITS = 19;

    /**
     * Parses the file name (without folders).
     *
     * @throws IllegalArgumentException with the reason, when the name fits neither style
     */
    static MigrationFileName parse(String rawFileName) {
        // macOS file systems hand out decomposed (NFD) names, everything else composed (NFC):
        // one name, however the checkout spells it.
        String fileName = Normalizer.normalize(rawFileName, Normalizer.Form.NFC);
        Matcher golang = GOLANG.matcher(fileName);
        if (golang.matches()) {
            return new MigrationFileName(version(golang.group(1)), golang.group(2), golang.group(3).equals("up"));
        }
        Matcher flyway = FLYWAY.matcher(fileName);
        if (flyway.matches()) {
            return new MigrationFileName(version(flyway.group(2)), flyway.group(3), flyway.group(1).equals("V"));
        }
        throw new IllegalArgumentException("the name does not match " + EXPECTED);
    }

    private static long version(String digits) {
        String significant = digits.replaceFirst("^0+", "");
        if (significant.isEmpty()) {
            throw new IllegalArgumentException("version " + digits + " is not positive; versions start at 1");
        }
        if (significant.length() > MAX_DIGITS) {
            throw new IllegalArgumentException("version " + digits + " has more than " + MAX_DIGITS + " digits");
        }
        try {
            return Long.parseLong(significant);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("version " + digits + " does not fit in a bigint (at most "
                    + Long.MAX_VALUE + ")", e);
        }
    }
}
