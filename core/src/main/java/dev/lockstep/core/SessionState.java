package dev.lockstep.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a session looks like, as far as a migration can change it, and the SQL that puts it back.
 *
 * <p>Migrations are arbitrary SQL: they {@code SET ROLE}, change {@code search_path} (every
 * {@code pg_dump} file does), set timeouts or {@code session_replication_role}. All of that lives in
 * the session, so without care it leaks into the next migration, into the tracker's own writes and,
 * through the pool, into the application. What is restored, and how:
 * <ul>
 *   <li>the role ({@code role} is not listed in {@code pg_settings}, so it is read on its own and
 *       put back first: the settings after it may need the run's privileges);</li>
 *   <li>every setting whose {@code pg_settings.source} is {@code session} (changed by {@code SET} or
 *       {@code set_config(.., false)}): one that was not changed before is {@code RESET} to the
 *       connection's own value, one that was is set back to its value;</li>
 *   <li>custom settings ({@code x.y}), which no catalog lists, by the names the migrations' text
 *       sets; one that did not exist before cannot be removed, so it is set to {@code ''}.</li>
 * </ul>
 * Some state cannot be put back with certainty: channels listened to, temporary tables, prepared
 * statements, cursors, advisory locks of the migration's own, a custom setting that did not exist
 * before. {@link #leftovers} names them, and the run then discards the connection instead of
 * returning it to the pool.
 */
final class SessionState {

    /** Per transaction, never session state: resetting them inside a migration's transaction fails. */
    private static final Set<String> TRANSACTION_ONLY = Set.of("transaction_isolation", "transaction_read_only",
            "transaction_deferrable");

    private static final String LEFTOVERS_SQL = "SELECT "
            + "(SELECT count(*) FROM pg_listening_channels()), "
            + "(SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()), "
            + "(SELECT count(*) FROM pg_prepared_statements WHERE from_sql), "
            + "(SELECT count(*) FROM pg_cursors), "
            + "(SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory')";
    private static final String[] LEFTOVER_NAMES = {"channel(s) listened to (LISTEN)", "temporary relation(s)",
        "prepared statement(s) (PREPARE)", "open cursor(s) (DECLARE ... WITH HOLD)", "advisory lock(s) of its own"};

    private static final Pattern CUSTOM_SETTING = Pattern.compile(
            "(?i)set_config\\s*\\(\\s*'([a-z_][\\w$]*\\.[\\w$.]+)'"
            + "|\\bSET\\s+(?:SESSION\\s+|LOCAL\\s+)?([a-z_][\\w$]*\\.[a-z_][\\w$.]*)\\s*(?:=|\\bTO\\b)");

    private final String role;
    private final Map<String, String> settings;
    /** Custom settings the migrations set, with their values; {@code null} where one did not exist. */
    private final Map<String, String> custom;
    private final long[] counts;

    private SessionState(String role, Map<String, String> settings, Map<String, String> custom, long[] counts) {
        this.role = role;
        this.settings = settings;
        this.custom = custom;
        this.counts = counts;
    }

    /** Reads the session as it is now: three small queries, once per run. */
    static SessionState capture(Connection connection, Set<String> customNames) throws SQLException {
        String role;
        Map<String, String> settings = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, current_setting(name) FROM pg_settings "
                        + "WHERE source = 'session' UNION ALL SELECT NULL, current_setting('role')")) {
            String found = "none";
            while (rs.next()) {
                if (rs.getString(1) == null) {
                    found = rs.getString(2);
                } else if (!TRANSACTION_ONLY.contains(rs.getString(1))) {
                    settings.put(rs.getString(1), rs.getString(2));
                }
            }
            role = found;
        }
        Map<String, String> custom = new LinkedHashMap<>();
        for (String name : customNames) {
            try (PreparedStatement s = connection.prepareStatement("SELECT current_setting(?, true)")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    custom.put(name, rs.getString(1));
                }
            }
        }
        return new SessionState(role, settings, custom, counts(connection));
    }

    /** This state with some settings changed: the state every migration of the run starts from. */
    SessionState with(Map<String, String> changed) {
        Map<String, String> more = new LinkedHashMap<>(settings);
        more.putAll(changed);
        return new SessionState(role, more, custom, counts);
    }

    /**
     * One statement (a {@code DO} block, so it can travel in a migration's batch) that puts the
     * session back to this state. It runs as whatever role the migration left, which is allowed:
     * PostgreSQL checks {@code SET ROLE} against the session user.
     */
    String restoreSql() {
        StringBuilder sql = new StringBuilder("DO $lockstep$\nDECLARE s record;\nBEGIN\n")
                .append("  PERFORM set_config('role', ").append(literal(role)).append(", false);\n")
                .append("  FOR s IN SELECT name FROM pg_settings WHERE source = 'session'")
                .append(" AND name NOT IN (").append(String.join(", ", TRANSACTION_ONLY.stream().sorted().map(SessionState::literal).toList()));
        for (String name : settings.keySet()) {
            sql.append(", ").append(literal(name));
        }
        sql.append(") LOOP\n    EXECUTE format('RESET %I', s.name);\n  END LOOP;\n");
        List<String> sets = new ArrayList<>();
        settings.forEach((name, value) -> sets.add("set_config(" + literal(name) + ", " + literal(value)
                + ", false)"));
        custom.forEach((name, value) -> sets.add("set_config(" + literal(name) + ", "
                + literal(value == null ? "" : value) + ", false)"));
        if (!sets.isEmpty()) {
            sql.append("  PERFORM ").append(String.join(", ", sets)).append(";\n");
        }
        return sql.append("END\n$lockstep$").toString();
    }

    /** Puts the session back to this state. */
    void restore(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(restoreSql());
        }
    }

    /**
     * What the session holds now that it did not hold in this state and that cannot be put back
     * with certainty; empty when the connection may go back to the pool.
     */
    List<String> leftovers(Connection connection) throws SQLException {
        List<String> found = new ArrayList<>();
        long[] now = counts(connection);
        for (int i = 0; i < now.length; i++) {
            if (now[i] > counts[i]) {
                found.add((now[i] - counts[i]) + " " + LEFTOVER_NAMES[i]);
            }
        }
        for (Map.Entry<String, String> setting : custom.entrySet()) {
            if (setting.getValue() == null) {
                try (PreparedStatement s = connection.prepareStatement("SELECT current_setting(?, true)")) {
                    s.setString(1, setting.getKey());
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (rs.getString(1) != null) {
                            found.add("custom setting " + setting.getKey() + " (PostgreSQL cannot remove one)");
                        }
                    }
                }
            }
        }
        return found;
    }

    private static long[] counts(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(LEFTOVERS_SQL)) {
            rs.next();
            long[] counts = new long[LEFTOVER_NAMES.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = rs.getLong(i + 1);
            }
            return counts;
        }
    }

    /**
     * The custom settings ({@code x.y}) the migrations' text sets, with {@code SET} or
     * {@code set_config}. No catalog lists custom settings, so their names come from here; one set
     * through a name computed at run time is not seen.
     */
    static Set<String> customSettingsSetBy(List<Migration> migrations) {
        Set<String> names = new TreeSet<>();
        for (Migration migration : migrations) {
            for (SqlStatement statement : migration.statements()) {
                Matcher m = CUSTOM_SETTING.matcher(statement.text());
                while (m.find()) {
                    names.add((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static String literal(String value) {
        return Tracker.escapedLiteral(value);
    }
}
