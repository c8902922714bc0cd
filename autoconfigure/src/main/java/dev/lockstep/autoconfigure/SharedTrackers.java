package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Refuses two targets that would keep their histories in one tracker: each would take the other's
 * migrations for files deleted from its own set, and its errors would offer repairs (accept a
 * rename, forget a row) that break the other's history. A misspelled tenants key turns a fleet
 * into a plain target on the main set's tracker, so this is checked before any target runs, by
 * asking each target's database which server, database and schema its tracker is in.
 */
final class SharedTrackers {

    /**
     * A target without tenants and where its tracker is.
     *
     * @param schema the configured tracker schema; null: the connection's current schema
     */
    record Tracked(String target, DataSource dataSource, String schema, String table) {
    }

    private SharedTrackers() {
    }

    static void refuse(List<Tracked> trackers) {
        if (trackers.size() < 2) {
            return;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (Tracked tracked : trackers) {
            Optional<String> where = where(tracked);
            if (where.isEmpty()) {
                continue; // no connection now: the run itself reports that
            }
            String other = seen.putIfAbsent(where.get(), tracked.target());
            if (other != null) {
                String prefix = "lockstep.targets." + tracked.target() + ".";
                throw new LockstepConfigurationException("lockstep.targets." + tracked.target(), "keeps its history "
                        + "in the tracker of target '" + other + "', " + where.get() + ": each target would take the "
                        + "other's migrations for files deleted from its own, and offer repairs that break the other's "
                        + "history. Give it a tracker of its own (" + prefix + "table or " + prefix + "schema); if it "
                        + "was meant to have tenants, set " + prefix + "tenants.list or " + prefix + "tenants.query. "
                        + "No target was run.");
            }
        }
    }

    /** {@code public.lockstep_applied_migrations in database test (server 7716…)}; empty when unreachable. */
    private static Optional<String> where(Tracked tracked) {
        try (Connection connection = tracked.dataSource().getConnection()) {
            DatabaseIdentity identity = DatabaseIdentity.of(connection);
            try (PreparedStatement query = connection.prepareStatement("SELECT coalesce(?, current_schema(), '')")) {
                query.setString(1, tracked.schema());
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return Optional.of(row.getString(1) + "." + tracked.table() + " in database "
                            + identity.database() + " (server " + identity.server() + ")");
                }
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
