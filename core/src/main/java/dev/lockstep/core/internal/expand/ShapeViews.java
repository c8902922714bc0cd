package dev.lockstep.core.internal.expand;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.expand.ExpansionTable.Kind;
import dev.lockstep.core.internal.expand.ExpansionTable.Row;
import dev.lockstep.core.internal.sql.Literals;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps each release's version schema in that release's shape. A release whose newest migration is
 * {@code X} sees, in schema {@link VersionSchema#of lockstep_vX}, one view per table that an
 * expanded (not yet contracted) migration up to {@code X} renames, drops a column of, or renames a
 * column of: the table's columns as they are now, with those changes applied, in the table's order.
 * Every other table it sees as it is (the schema is only first on its {@code search_path}). A schema
 * whose release needs no view is dropped; so, once the last expansion is contracted, every release
 * sees the tables themselves.
 *
 * <p>The views are simple (one table, plain columns), so PostgreSQL makes them updatable: inserts,
 * updates, deletes and {@code RETURNING} go through to the table, with its defaults, identity,
 * triggers and constraints. From PostgreSQL 15 they are {@code security_invoker}, so row-level
 * security is not bypassed; before 15 a table with row-level security is refused. Each view is
 * granted what its table is granted.
 */
public final class ShapeViews {

    private static final String COMMENT = "lockstep release ";

    private ShapeViews() {
    }

    /**
     * Brings every version schema, {@code release}'s and those of the releases connected now (by
     * their {@code application_name}), in line with {@code expanded}: in the caller's transaction,
     * under the run lock. A release older than an expansion sees the table's old shape through its
     * view, whose columns do not change while the table gains the expansion's (a statement such as
     * the driver's {@code INSERT ... RETURNING *} keeps its result type).
     */
    public static void refresh(Connection connection, List<Row> expanded, Optional<MigrationVersion> release)
            throws SQLException {
        refresh(connection, expanded, release, Optional.empty());
    }

    /**
     * As {@link #refresh(Connection, List, Optional)}, leaving out the schemas of releases from
     * {@code notYet} on: an expansion whose backfill has not run shows its shape only once it has.
     */
    public static void refresh(Connection connection, List<Row> expanded, Optional<MigrationVersion> release,
            Optional<MigrationVersion> notYet) throws SQLException {
        Map<String, MigrationVersion> schemas = existing(connection);
        release.ifPresent(version -> schemas.putIfAbsent(VersionSchema.of(version), version));
        if (!expanded.isEmpty()) {
            ReleaseSessions.byVersion(connection).keySet()
                    .forEach(version -> schemas.putIfAbsent(VersionSchema.of(version), version));
        }
        notYet.ifPresent(first -> schemas.values().removeIf(version -> version.compareTo(first) >= 0));
        boolean invoker = serverVersion(connection) >= 150000;
        Set<Long> tables = new LinkedHashSet<>();
        expanded.forEach(row -> tables.add(row.relid()));
        for (Map.Entry<String, MigrationVersion> schema : new java.util.TreeMap<>(schemas).entrySet()) {
            if (tables.isEmpty()) {
                execute(connection, "DROP SCHEMA IF EXISTS " + Identifiers.quote(schema.getKey()) + " CASCADE");
                continue;
            }
            execute(connection, "CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema.getKey()));
            execute(connection, "COMMENT ON SCHEMA " + Identifiers.quote(schema.getKey()) + " IS '" + COMMENT
                    + schema.getValue() + "'");
            Set<String> views = new LinkedHashSet<>();
            for (long relid : tables) {
                views.add(view(connection, schema.getKey(), schema.getValue(), relid, expanded, invoker));
            }
            for (String stale : viewsIn(connection, schema.getKey())) {
                if (!views.contains(stale)) {
                    execute(connection, "DROP VIEW " + Identifiers.qualify(schema.getKey(), stale));
                }
            }
        }
    }

    /** Drops every version schema: nothing is expanded any more. */
    static void dropAll(Connection connection) throws SQLException {
        for (String schema : existing(connection).keySet()) {
            execute(connection, "DROP SCHEMA IF EXISTS " + Identifiers.quote(schema) + " CASCADE");
        }
    }

    /**
     * The view of one table for the release {@code version}: the table's columns in their order, the
     * expansions up to {@code version} applied (a column renamed shows its new name, a dropped one is
     * left out, a retyped one shows its new-type column in that column's place), and what later
     * expansions added left out (their columns, their new-type columns). Its order is the table's after
     * the contracts, so the release's statements keep their result type then too. Returns its name.
     */
    private static String view(Connection connection, String schema, MigrationVersion version, long relid,
            List<Row> expanded, boolean invoker) throws SQLException {
        String table;
        String name;
        boolean rowSecurity;
        try (PreparedStatement s = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || "
                + "quote_ident(c.relname), c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = "
                + "c.relnamespace WHERE c.oid = ?")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new LockstepException("The table with OID " + relid + ", which an expand/contract migration "
                            + "changes, no longer exists: it was dropped while expanded. Undo or repair that migration.");
                }
                table = rs.getString(1);
                name = rs.getString(2);
                rowSecurity = rs.getBoolean(3);
            }
        }
        if (rowSecurity && !invoker) {
            throw new LockstepException("The table " + table + " has row-level security, which a view before "
                    + "PostgreSQL 15 would bypass (no security_invoker); expand/contract needs PostgreSQL 15 or later "
                    + "for it.");
        }
        Map<String, String> shown = shown(connection, relid, expanded, version);
        for (Row row : expanded) {
            if (row.relid() == relid && row.kind() == Kind.RENAME_TABLE && row.migrationVersion().compareTo(version) <= 0) {
                name = row.target().orElseThrow();
            }
        }
        List<String> select = new ArrayList<>();
        shown.forEach((column, as) -> select.add(as.equals(column) ? Identifiers.quote(column)
                : Identifiers.quote(column) + " AS " + Identifiers.quote(as)));
        String qualified = Identifiers.qualify(schema, name);
        String definition = "SELECT " + String.join(", ", select) + " FROM " + table;
        if (!definition.equals(comment(connection, schema, name))) {
            // Replaced whole: a contract moves a column to the end of its table, which CREATE OR REPLACE refuses.
            execute(connection, "DROP VIEW IF EXISTS " + qualified);
            execute(connection, "CREATE VIEW " + qualified + (invoker ? " WITH (security_invoker = true)" : "")
                    + " AS " + definition);
            execute(connection, "COMMENT ON VIEW " + qualified + " IS " + Literals.escaped(definition));
            grantAsTable(connection, relid, schema, qualified);
        }
        return name;
    }

    /**
     * The columns of one table as the release {@code version} sees them, in the table's order: the
     * table's column, and the name the release gives it. The expansions up to {@code version} applied
     * (renamed, dropped, retyped: the new-type column in the old one's place), what later ones added left out.
     */
    static Map<String, String> shown(Connection connection, long relid, List<Row> expanded, MigrationVersion version)
            throws SQLException {
        Map<String, String> shown = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = ? "
                + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    shown.put(rs.getString(1), rs.getString(1));
                }
            }
        }
        for (Row row : expanded) {
            if (row.relid() == relid && row.migrationVersion().compareTo(version) > 0) {
                if (row.kind() == Kind.ADD_COLUMN) {
                    shown.remove(row.name());
                } else if (row.kind() == Kind.CHANGE_TYPE) {
                    shown.remove(row.target().orElseThrow());
                }
            }
        }
        for (Row row : expanded) {
            if (row.relid() != relid || row.migrationVersion().compareTo(version) > 0) {
                continue;
            }
            switch (row.kind()) {
                case RENAME_COLUMN -> shown.replaceAll((column, as) -> as.equals(row.name()) ? row.target().orElseThrow() : as);
                case DROP_COLUMN -> shown.values().remove(row.name());
                case CHANGE_TYPE -> {
                    shown.values().remove(row.name());
                    shown.put(row.target().orElseThrow(), row.name());
                }
                default -> {
                    // a column added, a check, a table renamed: the columns are the release's as they are
                }
            }
        }
        return shown;
    }

    /** What a view was made from (its comment), so an unchanged one is left alone; null when there is none. */
    private static String comment(Connection connection, String schema, String view) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT obj_description(c.oid, 'pg_class') FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'v'")) {
            s.setString(1, schema);
            s.setString(2, view);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Drops every view of every version schema (the schemas stay, for {@link #refresh} to fill again),
     * before a transaction changes a table they show. A release's statement locks its view, then the
     * table; a change that took the table first and a view then would deadlock with it, and locking
     * the views first cannot be done (a view's lock takes its table's too). Dropping a view takes no
     * lock on its table; the release's statements wait for the view, and find the new one once the
     * transaction commits.
     */
    public static void dropViews(Connection connection) throws SQLException {
        List<String> views = allViews(connection);
        if (!views.isEmpty()) {
            execute(connection, "DROP VIEW IF EXISTS " + String.join(", ", views));
        }
    }

    /** Every view of every version schema, qualified. */
    static List<String> allViews(Connection connection) throws SQLException {
        List<String> views = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || "
                + "quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE starts_with(n.nspname, ?) AND c.relkind = 'v' ORDER BY 1")) {
            s.setString(1, VersionSchema.PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    views.add(rs.getString(1));
                }
            }
        }
        return views;
    }


    /** What the table is granted, on the view, with the schema's usage to each grantee. */
    private static void grantAsTable(Connection connection, long relid, String schema, String view) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                + "quote_ident(r.rolname) END, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a LEFT JOIN "
                + "pg_roles r ON r.oid = a.grantee WHERE c.oid = ? AND a.privilege_type IN ('SELECT', 'INSERT', "
                + "'UPDATE', 'DELETE') AND a.grantee <> c.relowner")) {
            s.setLong(1, relid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    grants.add("GRANT " + rs.getString(2) + " ON " + view + " TO " + rs.getString(1));
                    grants.add("GRANT USAGE ON SCHEMA " + Identifiers.quote(schema) + " TO " + rs.getString(1));
                }
            }
        }
        for (String grant : grants) {
            execute(connection, grant);
        }
    }

    /** The version schemas there are, by the release each was made for. */
    private static Map<String, MigrationVersion> existing(Connection connection) throws SQLException {
        Map<String, MigrationVersion> schemas = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT nspname, obj_description(oid, 'pg_namespace') "
                + "FROM pg_namespace WHERE starts_with(nspname, ?)")) {
            s.setString(1, VersionSchema.PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String comment = rs.getString(2);
                    if (comment != null && comment.startsWith(COMMENT)) {
                        schemas.put(rs.getString(1), MigrationVersion.parse(comment.substring(COMMENT.length())));
                    }
                }
            }
        }
        return new java.util.TreeMap<>(schemas);
    }

    private static List<String> viewsIn(Connection connection, String schema) throws SQLException {
        List<String> views = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'v'")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    views.add(rs.getString(1));
                }
            }
        }
        return views;
    }

    static int serverVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}
