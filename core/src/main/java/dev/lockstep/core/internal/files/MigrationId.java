package dev.lockstep.core.internal.files;

import dev.lockstep.core.MigrationVersion;
import java.util.Comparator;

/**
 * What identifies a migration in the tracker: its version and its name. Two files with one version
 * are one migration renamed in {@code unique} mode and two migrations in {@code shared} mode; every
 * repeatable migration has the version {@link MigrationVersion#REPEATABLE} and is known by its name.
 */
public record MigrationId(MigrationVersion version, String name) implements Comparable<MigrationId> {

    private static final Comparator<MigrationId> ORDER =
            Comparator.comparing(MigrationId::version).thenComparing(MigrationId::name);

    @Override
    public int compareTo(MigrationId other) {
        return ORDER.compare(this, other);
    }

    /** A whole-number version's migration. */
    public MigrationId(long version, String name) {
        this(MigrationVersion.of(version), name);
    }

    public boolean repeatable() {
        return version.repeatable();
    }

    /** How the command line's operator actions name it: {@code --version=42}, {@code --version=R --name=views}. */
    public String cliOptions() {
        return "--version=" + version + (repeatable() ? " --name=" + name : "");
    }

    /** As messages name it: {@code 42_add_orders}, {@code 1.1_fix}, {@code R__views}. */
    @Override
    public String toString() {
        return repeatable() ? "R__" + name : version + "_" + name;
    }
}
