package dev.lockstep.core;

import java.util.Comparator;

/**
 * What identifies a migration in the tracker: its version and its name. Two files with one version
 * are one migration renamed in {@code unique} mode and two migrations in {@code shared} mode.
 */
record MigrationId(long version, String name) implements Comparable<MigrationId> {

    private static final Comparator<MigrationId> ORDER =
            Comparator.comparingLong(MigrationId::version).thenComparing(MigrationId::name);

    @Override
    public int compareTo(MigrationId other) {
        return ORDER.compare(this, other);
    }

    /** As messages name it: {@code 42_add_orders}. */
    @Override
    public String toString() {
        return version + "_" + name;
    }
}
