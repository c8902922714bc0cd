package dev.lockstep.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Session settings Lockstep changes on its pinned connection, with their original values, so the
 * connection goes back to the pool exactly as it came: {@code application_name} (so others can see
 * who holds the lock), server-side TCP keepalives (so a holder whose network dies loses its session,
 * and with it the lock, in seconds rather than hours) and optionally {@code statement_timeout}.
 */
final class SessionSettings {

    /** Idle seconds before the server probes, seconds between probes, probes before it gives up. */
    static final Map<String, String> KEEPALIVES = Map.of(
            "tcp_keepalives_idle", "10",
            "tcp_keepalives_interval", "5",
            "tcp_keepalives_count", "3");

    private final Map<String, String> wanted;
    private final Map<String, String> original = new LinkedHashMap<>();

    SessionSettings(Map<String, String> wanted) {
        this.wanted = new LinkedHashMap<>(wanted);
    }

    /** Reads the current values, then sets the wanted ones: two round trips. */
    void apply(Connection connection) throws SQLException {
        if (wanted.isEmpty()) {
            return;
        }
        String select = "SELECT " + String.join(", ", Collections.nCopies(wanted.size(), "current_setting(?)"));
        try (PreparedStatement s = connection.prepareStatement(select)) {
            int i = 1;
            for (String name : wanted.keySet()) {
                s.setString(i++, name);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                i = 1;
                for (String name : wanted.keySet()) {
                    original.put(name, rs.getString(i++));
                }
            }
        }
        set(connection, wanted);
    }

    /** Puts every changed setting back to the value it had before {@link #apply}. */
    void restore(Connection connection) throws SQLException {
        set(connection, original);
    }

    private static void set(Connection connection, Map<String, String> values) throws SQLException {
        if (values.isEmpty()) {
            return;
        }
        String sql = "SELECT " + String.join(", ", Collections.nCopies(values.size(), "set_config(?, ?, false)"));
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            int i = 1;
            for (Map.Entry<String, String> setting : values.entrySet()) {
                s.setString(i++, setting.getKey());
                s.setString(i++, setting.getValue());
            }
            s.executeQuery().close();
        }
    }
}
