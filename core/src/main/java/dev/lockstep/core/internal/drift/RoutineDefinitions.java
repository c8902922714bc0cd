package dev.lockstep.core.internal.drift;

import dev.lockstep.core.Drift;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The definitions of changed functions and procedures, which a snapshot line keeps only as a digest
 * ({@code md5}): read with {@code pg_get_functiondef} where the schema alone is on
 * {@code search_path}, as the snapshot names them, and shown as the lines that differ.
 */
public final class RoutineDefinitions {

    private static final String DEFINITIONS = """
            SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END || quote_ident(p.proname) || '('
                || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ? AND p.prokind IN ('f', 'p', 'w')
            """;
    /** Lines of a definition shown when there is nothing to diff it with. */
    private static final int LINES_SHOWN = 40;

    private RoutineDefinitions() {
    }

    /** Whether a difference is a changed function or procedure, whose definition says more than its digest. */
    public static boolean concerns(Drift.Difference difference) {
        return difference.sign() == '~'
                && (difference.object().startsWith("function ") || difference.object().startsWith("procedure "));
    }

    /** Every function's and procedure's definition in {@code schema}, by object as the snapshot names it. */
    public static Map<String, String> read(Connection connection, String schema) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Map<String, String> definitions = new HashMap<>();
        try {
            try (PreparedStatement path = connection.prepareStatement(
                    "SELECT set_config('search_path', quote_ident(?), true)")) {
                path.setString(1, schema);
                path.execute();
            }
            try (PreparedStatement query = connection.prepareStatement(DEFINITIONS)) {
                query.setString(1, schema);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        definitions.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        } finally {
            connection.rollback(); // the search_path was the transaction's own
            connection.setAutoCommit(autoCommit);
        }
        return definitions;
    }

    /** The lines that differ, {@code - } as the migrations make them and {@code + } as the database has them. */
    public static String diff(String migrations, String database) {
        List<String> lines = new ArrayList<>();
        lines.add("definition, lines that differ (- migrations, + database):");
        LineDiff.of(migrations.strip().split("\\R"), database.strip().split("\\R")).forEach(l -> lines.add("  " + l));
        return String.join("\n", lines);
    }

    /** The database's definition, for a comparison that kept only its digest. */
    public static String now(String database) {
        String[] lines = database.strip().split("\\R");
        List<String> shown = new ArrayList<>();
        shown.add("definition in the database now:");
        for (int i = 0; i < Math.min(lines.length, LINES_SHOWN); i++) {
            shown.add("  " + lines[i]);
        }
        if (lines.length > LINES_SHOWN) {
            shown.add("  ... (" + (lines.length - LINES_SHOWN) + " more lines)");
        }
        return String.join("\n", shown);
    }

    /** Adds each changed routine's detail from the definitions found on each side (empty: not known). */
    public static List<Drift.Difference> detailed(List<Drift.Difference> differences,
            Optional<Map<String, String>> migrations, Map<String, String> database) {
        return differences.stream().map(d -> {
            if (!concerns(d) || !database.containsKey(d.object())) {
                return d;
            }
            String now = database.get(d.object());
            return migrations.map(m -> m.get(d.object())).map(before -> d.withDetail(diff(before, now)))
                    .orElseGet(() -> d.withDetail(now(now)));
        }).toList();
    }
}
