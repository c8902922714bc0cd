package dev.lockstep.core.internal.files;

import dev.lockstep.core.MigrationVersion;
import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed migration file name: {@code 0042_add_orders.up.sql} / {@code .down.sql}
 * (golang-migrate style), {@code V42__add_orders.sql} / {@code U42__add_orders.sql} (Flyway
 * style, where the version may be dotted: {@code V1.1__x.sql}, {@code V2_0_3__y.sql}) or
 * {@code R__views.sql} (a Flyway repeatable migration). The name is taken in Unicode NFC form.
 */
record MigrationFileName(MigrationVersion version, String name, boolean up) {

    static final String EXPECTED = "<version>_<name>.up.sql, <version>_<name>.down.sql, "
            + "V<version>__<name>.sql, U<version>__<name>.sql or R__<name>.sql, with a positive version "
            + "(a whole number, or dotted after V and U: 1.1, 2.0.3)";

    private static final Pattern GOLANG = Pattern.compile("(\\d+)_(.+)\\.(up|down)\\.sql");
    private static final Pattern FLYWAY = Pattern.compile("([VU])(\\d+(?:[._]\\d+)*)__(.+)\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");

    /**
     * Parses the file name (without folders).
     *
     * @throws IllegalArgumentException with the reason, when the name fits no style
     */
    static MigrationFileName parse(String rawFileName) {
        // macOS file systems hand out decomposed (NFD) names, everything else composed (NFC):
        // one name, however the checkout spells it.
        String fileName = Normalizer.normalize(rawFileName, Normalizer.Form.NFC);
        Matcher golang = GOLANG.matcher(fileName);
        if (golang.matches()) {
            return new MigrationFileName(MigrationVersion.parse(golang.group(1)), golang.group(2),
                    golang.group(3).equals("up"));
        }
        Matcher flyway = FLYWAY.matcher(fileName);
        if (flyway.matches()) {
            return new MigrationFileName(MigrationVersion.parse(flyway.group(2)), flyway.group(3),
                    flyway.group(1).equals("V"));
        }
        Matcher repeatable = REPEATABLE.matcher(fileName);
        if (repeatable.matches()) {
            return new MigrationFileName(MigrationVersion.REPEATABLE, repeatable.group(1), true);
        }
        throw new IllegalArgumentException("the name does not match " + EXPECTED);
    }
}
