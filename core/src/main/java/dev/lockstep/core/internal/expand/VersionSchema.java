package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationVersion;
import java.util.Locale;
import java.util.Optional;

/**
 * The schema of views in one release's shape, named after the newest migration of that release's
 * files ({@code lockstep_v42}, {@code lockstep_v1_2}), and the marker in {@code application_name} by
 * which a release's sessions say which version they run ({@code lockstep:42 ...}).
 */
public final class VersionSchema {

    /** Every version schema's name starts with it. */
    public static final String PREFIX = "lockstep_v";
    /** A pinned session's {@code application_name} starts with it, then the version and a space. */
    public static final String MARKER = "lockstep:";

    private VersionSchema() {
    }

    /** The schema of the release whose newest migration is {@code version}. */
    public static String of(MigrationVersion version) {
        return PREFIX + version.toString().replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT);
    }

    /** The version a session's {@code application_name} says, when it carries the marker. */
    public static Optional<MigrationVersion> versionOf(String applicationName) {
        if (applicationName == null || !applicationName.startsWith(MARKER)) {
            return Optional.empty();
        }
        int end = applicationName.indexOf(' ', MARKER.length());
        String version = applicationName.substring(MARKER.length(), end < 0 ? applicationName.length() : end);
        try {
            return Optional.of(MigrationVersion.parse(version));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The one statement that pins a new connection of the release whose newest migration is
     * {@code newest}: its version schema first on {@code search_path} (a schema that does not exist is
     * skipped by PostgreSQL, so the release sees the tables themselves until an expansion makes its
     * schema), and the marker first in {@code application_name}.
     */
    public static String pinSql(MigrationVersion newest) {
        return "SELECT set_config('search_path', '" + of(newest) + ", ' || current_setting('search_path'), false), "
                + "set_config('application_name', '" + MARKER + newest + " ' || current_setting('application_name'), false)";
    }
}
