package dev.lockstep.core;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A migration's version: a whole number ({@code 42}, most projects), a dotted one as Flyway writes
 * them ({@code 1.1}, {@code 2.0.3}), or the mark of a repeatable migration ({@code R__views.sql}).
 *
 * <p>Ordered as Flyway orders them: part by part as numbers, a missing part counting as zero, so
 * {@code 1.2 < 1.10} and {@code 1.0} is {@code 1}; repeatable migrations come after every version.
 *
 * <p>In the tracker the first part is the {@code version} column and the whole version, when it
 * has more than one part, the {@code version_text} column ({@code ''} for a whole number, so the
 * rows of a project with whole numbers only look as they always did; {@code 'R'} for a repeatable
 * migration, whose {@code version} is 0).
 */
public final class MigrationVersion implements Comparable<MigrationVersion> {

    /** The version of every repeatable migration; they are told apart by name. */
    public static final MigrationVersion REPEATABLE = new MigrationVersion(new long[0]);

    private static final String REPEATABLE_TEXT = "R";
    private static final Pattern DOTTED = Pattern.compile("\\d+([._]\\d+)*");
    /** Compiled once: a start parses a version per file, thousands of them. */
    private static final Pattern SEPARATOR = Pattern.compile("[._]");
    private static final int MAX_DIGITS = 19;

    /** Without trailing zero parts; empty for {@link #REPEATABLE}. */
    private final long[] parts;

    private MigrationVersion(long[] parts) {
        this.parts = parts;
    }

    /** A whole-number version. */
    public static MigrationVersion of(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("version " + version + " is not positive; versions start at 1");
        }
        return new MigrationVersion(new long[] {version});
    }

    /**
     * Parses {@code 42}, {@code 0042}, {@code 1.1} or {@code 1_1} (Flyway's two separators).
     *
     * @throws IllegalArgumentException saying why, when it is no version
     */
    public static MigrationVersion parse(String text) {
        String trimmed = text.strip();
        if (!DOTTED.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("version '" + text + "' is not a number or numbers separated by dots "
                    + "(42, 1.1, 2.0.3)");
        }
        String[] split = SEPARATOR.split(trimmed);
        long[] parts = new long[split.length];
        for (int i = 0; i < split.length; i++) {
            parts[i] = part(split[i], trimmed);
        }
        int length = parts.length;
        while (length > 1 && parts[length - 1] == 0) {
            length--;
        }
        if (length == 1 && parts[0] == 0) {
            throw new IllegalArgumentException("version " + trimmed + " is not positive; versions start at 1");
        }
        return new MigrationVersion(Arrays.copyOf(parts, length));
    }

    private static long part(String digits, String whole) {
        int zeros = 0;
        while (zeros < digits.length() && digits.charAt(zeros) == '0') {
            zeros++;
        }
        String significant = digits.substring(zeros);
        if (significant.length() > MAX_DIGITS) {
            throw new IllegalArgumentException("version " + whole + " has a part with more than " + MAX_DIGITS
                    + " digits");
        }
        try {
            return significant.isEmpty() ? 0 : Long.parseLong(significant);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("version " + whole + " has a part larger than " + Long.MAX_VALUE, e);
        }
    }

    /** Whether this is the given whole-number version: {@code migration.version().is(42)}, e.g. in a hook. */
    public boolean is(long version) {
        return parts.length == 1 && parts[0] == version;
    }

    /** Whether this is the given version, as {@link #parse} reads it: {@code is("1.1")}. */
    public boolean is(String version) {
        return equals(parse(version));
    }

    /** Whether this is the version of a repeatable migration. */
    public boolean repeatable() {
        return parts.length == 0;
    }

    /** Whether it is a whole number ({@code 42}), not dotted ({@code 1.1}) and not repeatable. */
    public boolean whole() {
        return parts.length == 1;
    }

    /** The first part ({@code 1} of {@code 1.1}); 0 for a repeatable migration. */
    public long major() {
        return repeatable() ? 0 : parts[0];
    }

    @Override
    public int compareTo(MigrationVersion other) {
        if (repeatable() || other.repeatable()) {
            return Boolean.compare(repeatable(), other.repeatable());
        }
        for (int i = 0; i < Math.max(parts.length, other.parts.length); i++) {
            int compared = Long.compare(i < parts.length ? parts[i] : 0, i < other.parts.length ? other.parts[i] : 0);
            if (compared != 0) {
                return compared;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MigrationVersion version && Arrays.equals(parts, version.parts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parts);
    }

    /** {@code 42}, {@code 1.1}, or {@code R} for a repeatable migration. */
    @Override
    public String toString() {
        return repeatable() ? REPEATABLE_TEXT : Arrays.stream(parts).mapToObj(Long::toString).collect(Collectors.joining("."));
    }
}
