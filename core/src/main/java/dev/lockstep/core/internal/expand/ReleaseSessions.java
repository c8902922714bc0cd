package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationVersion;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sessions of each release connected to this database, by the version each says in
 * {@code application_name} ({@link VersionSchema#MARKER}): the contract of a version waits while a
 * session of an older release remains. Sessions without the marker (a tool, a release from before
 * it) are not counted.
 */
public final class ReleaseSessions {

    private ReleaseSessions() {
    }

    /** The count of sessions per release version, this database's, this session left out. */
    public static Map<MigrationVersion, Integer> byVersion(Connection connection) throws SQLException {
        Map<MigrationVersion, Integer> sessions = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT application_name "
                + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND starts_with(application_name, '" + VersionSchema.MARKER + "')")) {
            while (rs.next()) {
                Optional<MigrationVersion> version = VersionSchema.versionOf(rs.getString(1));
                version.ifPresent(v -> sessions.merge(v, 1, Integer::sum));
            }
        }
        return sessions;
    }

    /** Those of releases older than {@code version}. */
    public static Map<MigrationVersion, Integer> olderThan(Connection connection, MigrationVersion version)
            throws SQLException {
        Map<MigrationVersion, Integer> older = new TreeMap<>(byVersion(connection));
        older.keySet().removeIf(v -> v.compareTo(version) >= 0);
        return older;
    }
}
