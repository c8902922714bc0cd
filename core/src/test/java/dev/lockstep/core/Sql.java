package dev.lockstep.core;

import dev.lockstep.test.TestSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the database the way a test asserts on it: rows as maps, in a fresh session. */
public final class Sql {

    private Sql() {
    }

    public static List<Map<String, Object>> rows(TestSchema schema, String sql) {
        try (Connection c = schema.connect()) {
            return rows(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public static Object value(TestSchema schema, String sql) {
        List<Map<String, Object>> rows = rows(schema, sql);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    public static long count(TestSchema schema, String sql) {
        return ((Number) value(schema, sql)).longValue();
    }

    public static void execute(TestSchema schema, String sql) {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The tracker rows as "version_name:state". */
    public static List<String> tracker(TestSchema schema) {
        return rows(schema, "SELECT version, name, state FROM lockstep_applied_migrations ORDER BY version, name")
                .stream().map(r -> r.get("version") + "_" + r.get("name") + ":" + r.get("state")).toList();
    }
}
