package dev.lockstep.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How one target's live schema differs from what its applied migrations make ({@link Lockstep#drift()}).
 *
 * @param target the tracker, and the tenant for a fleet's: {@code "public"."lockstep_applied_migrations"}
 * @param comparedWith what the schema was compared with: {@link DriftComparison#REPLAY} or
 *     {@link DriftComparison#SNAPSHOT}, never {@code AUTO}
 * @param basis what that was, in words: "a replay of 42 applied migrations", "the snapshot stored by ... at ..."
 * @param differences every object that differs, sorted by object; empty when there is no drift
 * @param ignored how many differing objects {@code lockstep.drift.ignore} left out
 */
public record Drift(String target, DriftComparison comparedWith, String basis, List<Difference> differences,
        int ignored) {

    public Drift {
        differences = List.copyOf(differences);
    }

    /**
     * One object that differs, named as the catalog comparison names it ({@link CatalogSnapshot}):
     * {@code index users_email_idx}, {@code column users.name}, {@code function touch()}.
     *
     * @param migrations its definition as the migrations make it; empty when only the database has it
     * @param database its definition in the live database; empty when the database lacks it
     * @param detail more about a change, on lines of its own: for a changed function or procedure,
     *     the lines of its definition that differ (against a replay) or its definition in the
     *     database now (against a snapshot, which keeps only a digest of it)
     */
    public record Difference(String object, Optional<String> migrations, Optional<String> database,
            Optional<String> detail) {

        public Difference(String object, Optional<String> migrations, Optional<String> database) {
            this(object, migrations, database, Optional.empty());
        }

        /** The same difference with {@code detail}. */
        public Difference withDetail(String detail) {
            return new Difference(object, migrations, database, Optional.of(detail));
        }

        /** {@code +} in the database only, {@code -} missing from the database, {@code ~} changed. */
        public char sign() {
            return migrations.isEmpty() ? '+' : database.isEmpty() ? '-' : '~';
        }

        /** One line for {@code +} and {@code -}, three for {@code ~}: the object, then each side's definition. */
        public String describe() {
            return switch (sign()) {
                case '+' -> "+ " + database.orElseThrow();
                case '-' -> "- " + migrations.orElseThrow();
                default -> "~ " + object + "\n      migrations: " + migrations.orElseThrow() + "\n      database:   "
                        + database.orElseThrow() + detail.map(d -> "\n      " + d.replace("\n", "\n      ")).orElse("");
            };
        }
    }

    public boolean found() {
        return !differences.isEmpty();
    }

    /** The report as the command line prints it: a heading line, then each difference, indented. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        String ignoredNote = ignored == 0 ? "" : " (" + ignored + " ignored by lockstep.drift.ignore)";
        if (differences.isEmpty()) {
            lines.add("No drift in " + target + ": the schema is what " + basis + " makes" + ignoredNote);
        } else {
            lines.add("Drift in " + target + ": " + differences.size() + " object(s) differ from " + basis
                    + ignoredNote + " (+ in the database only, - missing from it, ~ changed)");
            differences.forEach(difference -> lines.add("  " + difference.describe().replace("\n", "\n  ")));
        }
        return String.join("\n", lines);
    }
}
