package dev.lockstep.core.internal.session;

import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.Literals;
import dev.lockstep.core.internal.sql.SessionEffects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

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
public final class SessionState {

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

    /** Reads the session as it is now: a few small queries, once per run. */
    public static SessionState capture(Connection connection, Set<String> customNames) throws SQLException {
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
    public SessionState with(Map<String, String> changed) {
        Map<String, String> more = new LinkedHashMap<>(settings);
        more.putAll(changed);
        return new SessionState(role, more, custom, counts);
    }

    /**
     * One statement (a {@code DO} block) that puts the session back to this state, whatever changed:
     * it reads {@code pg_settings}, about a millisecond, so it runs once per run, at its end. It runs
     * as whatever role the migration left, which is allowed: PostgreSQL checks {@code SET ROLE}
     * against the session user.
     */
    public String restoreSql() {
        return doBlock(fullBody()).orElseThrow();
    }

    /**
     * One statement that puts back what {@code effects} may have changed, for the end of each
     * migration, inside its transaction; empty when the migration changes nothing (most
     * migrations: then it costs nothing).
     */
    public Optional<String> restoreSql(SessionEffects effects) {
        return doBlock(effects.unknown() ? fullBody() : targetedBody(effects));
    }

    private static Optional<String> doBlock(String body) {
        return body.isEmpty() ? Optional.empty()
                : Optional.of("DO $lockstep$\nDECLARE s record;\nBEGIN\n" + body + "END\n$lockstep$");
    }

    private String fullBody() {
        StringBuilder sql = new StringBuilder(restoreRole())
                .append("  FOR s IN SELECT name FROM pg_settings WHERE source = 'session' AND name NOT IN (")
                .append(String.join(", ", TRANSACTION_ONLY.stream().sorted().map(SessionState::literal).toList()));
        for (String name : settings.keySet()) {
            sql.append(", ").append(literal(name));
        }
        sql.append(") LOOP\n    EXECUTE format('RESET %I', s.name);\n  END LOOP;\n");
        settings.forEach((name, value) -> sql.append(restore(name, value)));
        custom.forEach((name, value) -> sql.append(restore(name, value == null ? "" : value)));
        return sql.toString();
    }

    /** Only what the migration's text changes: the same end state as the full restore for it, without its cost. */
    private String targetedBody(SessionEffects effects) {
        StringBuilder sql = new StringBuilder(effects.role() ? restoreRole() : "");
        Map<String, String> byLowerCase = new LinkedHashMap<>();
        settings.forEach((name, value) -> byLowerCase.put(name.toLowerCase(Locale.ROOT), value));
        for (String name : effects.settings()) {
            if (byLowerCase.containsKey(name)) {
                sql.append(restore(name, byLowerCase.get(name)));
            } else if (custom.containsKey(name)) {
                sql.append(restore(name, custom.get(name) == null ? "" : custom.get(name)));
            } else if (!TRANSACTION_ONLY.contains(name)) {
                // A word after SET that is no setting (UPDATE t SET col = ..) resets nothing.
                sql.append("  IF current_setting(").append(literal(name)).append(", true) IS NOT NULL THEN EXECUTE ")
                        .append("format('RESET %I', ").append(literal(name)).append("); END IF;\n");
            }
        }
        return sql.toString();
    }

    private String restoreRole() {
        return "  IF current_setting('role') <> " + literal(role) + " THEN PERFORM set_config('role', " + literal(role)
                + ", false); END IF;\n";
    }

    /** Sets only what differs: setting keepalives or the connection check again costs system calls. */
    private static String restore(String name, String value) {
        return "  IF current_setting(" + literal(name) + ", true) IS DISTINCT FROM " + literal(value)
                + " THEN PERFORM set_config(" + literal(name) + ", " + literal(value) + ", false); END IF;\n";
    }

    /** Puts the session back to this state. */
    public void restore(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(restoreSql());
        }
    }

    /**
     * What the session holds now that it did not hold in this state and that cannot be put back
     * with certainty; empty when the connection may go back to the pool.
     */
    public List<String> leftovers(Connection connection) throws SQLException {
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
    public static Set<String> customSettingsSetBy(List<LoadedMigration> migrations) {
        Set<String> names = new TreeSet<>();
        migrations.forEach(migration -> names.addAll(migration.sessionEffects().customSettings()));
        return names;
    }

    private static String literal(String value) {
        return Literals.escaped(value);
    }
}
