package dev.lockstep.core;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one schema looks like in the catalog, as a sorted set of one-line descriptions, so that two
 * snapshots can be compared and the difference named: a down migration checked by a round trip (up,
 * snapshot, down, compare with the snapshot before), or a live database against a replay of its
 * migrations.
 *
 * <p>Each line starts with its kind: {@code table} (persistence, partition key, parent and bound,
 * inheritance), {@code column} (type, collation if not the type's, NOT NULL, default, identity,
 * generated expression, stored or, from PostgreSQL 18, virtual), {@code index}
 * ({@code pg_get_indexdef}, with INVALID), {@code constraint} (primary key, foreign key, unique,
 * check, exclusion, and from PostgreSQL 18 the named {@code NOT NULL} constraints it keeps in
 * {@code pg_constraint}, whose names and {@code NOT VALID} are part of the schema), {@code sequence} (type, increment, bounds,
 * start, cache, cycle, OWNED BY), {@code view} and {@code matview} ({@code pg_get_viewdef} and the
 * view's options), {@code function}, {@code procedure} and {@code aggregate} (identity arguments,
 * result, and an md5 of {@code pg_get_functiondef} that shows any change to the definition),
 * {@code trigger} (non-internal ones, and whether disabled), {@code rls} (row-level security enabled
 * or forced), {@code policy}, {@code grant} (privileges on tables, views, sequences, functions and on
 * the schema itself) and {@code type} (enums with their labels in order, domains with their
 * constraints, composite types that are not a table's row type).
 *
 * <p>Names are written relative to the schema: the catalog functions run with the schema as the
 * only {@code search_path} entry, so what is in it comes out unqualified and what is elsewhere
 * qualified. Two schemas built by the same DDL therefore give equal snapshots whatever their names.
 *
 * <p>Left out: extensions and what belongs to them (database-wide, not the schema's), ownership and
 * the owner's own privileges (so the role that ran the DDL does not matter), comments, statistics
 * and extended statistics, tables' storage parameters, tablespaces, column storage and statistics
 * targets, column order, column privileges, the data and sequences' current values, and object
 * kinds not listed above (foreign tables, range and base types, operators, casts, rules other than
 * views', publications, event triggers). A definition printed on several lines (a view's, a
 * policy's subquery) is joined into one, each line break and the indentation around it made one
 * space.
 */
public final class CatalogSnapshot {

    /** {@code ns}: the schema (parameters: ignored table names, schema); {@code rel}: its relations in scope. */
    private static final String SCOPE = """
            WITH ns AS (SELECT n.*, ?::text[] AS ignored FROM pg_namespace n WHERE n.nspname = ?),
            rel AS (SELECT c.* FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
                    WHERE c.relname <> ALL (ns.ignored)
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            LEFT JOIN pg_class t ON d.refclassid = 'pg_class'::regclass AND t.oid = d.refobjid
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND (d.deptype = 'e' OR d.deptype IN ('a', 'i') AND t.relnamespace = ns.oid
                                   AND t.relname = ANY (ns.ignored))))
            """;

    /** Ends a grant line: {@code a} is a row of {@code aclexplode}. */
    private static final String GRANTEE = " || ' to ' "
            + "|| CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END "
            + "|| CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END\n";

    private static final String TABLES = """
            SELECT 'table ' || quote_ident(c.relname)
                || CASE WHEN c.relpersistence = 'u' THEN ' UNLOGGED' ELSE '' END
                || CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END
                || CASE WHEN c.relispartition
                    THEN ' PARTITION OF '
                        || (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid)
                        || ' ' || pg_get_expr(c.relpartbound, c.oid)
                    ELSE coalesce(' INHERITS ('
                        || (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
                            FROM pg_inherits i WHERE i.inhrelid = c.oid) || ')', '') END
            FROM rel c WHERE c.relkind IN ('r', 'p')
            """;

    private static final String ROW_SECURITY = """
            SELECT 'rls ' || quote_ident(c.relname) || ': ENABLE ROW LEVEL SECURITY'
            FROM rel c WHERE c.relrowsecurity
            UNION ALL
            SELECT 'rls ' || quote_ident(c.relname) || ': FORCE ROW LEVEL SECURITY'
            FROM rel c WHERE c.relforcerowsecurity
            """;

    private static final String COLUMNS = """
            SELECT 'column ' || quote_ident(c.relname) || '.' || quote_ident(a.attname)
                || ' ' || format_type(a.atttypid, a.atttypmod)
                || CASE WHEN a.attcollation <> t.typcollation
                    THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
                || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                || CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY'
                    WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END
                || CASE a.attgenerated
                    WHEN 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                    WHEN 'v' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') VIRTUAL'
                    ELSE coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') END
            FROM rel c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relkind IN ('r', 'p')
            """;

    private static final String INDEXES = """
            SELECT 'index ' || quote_ident(ic.relname) || ': ' || pg_get_indexdef(i.indexrelid, 0, true)
                || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
            FROM pg_index i JOIN rel c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
            """;

    private static final String CONSTRAINTS = """
            SELECT 'constraint ' || quote_ident(c.relname) || '.' || quote_ident(co.conname) || ': '
                || pg_get_constraintdef(co.oid, true)
            FROM pg_constraint co JOIN rel c ON c.oid = co.conrelid
            WHERE co.contype IN ('p', 'f', 'u', 'c', 'x', 'n')
            """;

    private static final String SEQUENCES = """
            SELECT 'sequence ' || quote_ident(c.relname) || ' AS ' || format_type(s.seqtypid, NULL)
                || ' INCREMENT ' || s.seqincrement || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax
                || ' START ' || s.seqstart || ' CACHE ' || s.seqcache
                || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
                || coalesce(' OWNED BY ' || (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                    FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                      AND d.deptype IN ('a', 'i') LIMIT 1), '')
            FROM rel c JOIN pg_sequence s ON s.seqrelid = c.oid
            """;

    private static final String VIEWS = """
            SELECT CASE c.relkind WHEN 'v' THEN 'view ' ELSE 'matview ' END || quote_ident(c.relname)
                || coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') || ': '
                || btrim(pg_get_viewdef(c.oid, true))
            FROM rel c WHERE c.relkind IN ('v', 'm')
            """;

    private static final String FUNCTIONS = """
            SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END
                || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
                || CASE WHEN p.prokind = 'p' THEN '' ELSE ' returns ' || pg_get_function_result(p.oid) END
                || coalesce(' md5 ' || md5(overlay(f.def PLACING quote_ident(p.proname)
                    FROM strpos(f.def, f.qualified) FOR length(f.qualified))), '')
            FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
            CROSS JOIN LATERAL (SELECT CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS def,
                quote_ident(ns.nspname) || '.' || quote_ident(p.proname) AS qualified) f
            WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            """;

    private static final String TRIGGERS = """
            SELECT 'trigger ' || quote_ident(c.relname) || '.' || quote_ident(t.tgname) || ': '
                || pg_get_triggerdef(t.oid, true)
                || CASE t.tgenabled WHEN 'D' THEN ' DISABLED' WHEN 'R' THEN ' ENABLE REPLICA'
                    WHEN 'A' THEN ' ENABLE ALWAYS' ELSE '' END
            FROM pg_trigger t JOIN rel c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal
            """;

    private static final String POLICIES = """
            SELECT 'policy ' || quote_ident(c.relname) || '.' || quote_ident(p.polname) || ':'
                || CASE WHEN p.polpermissive THEN ' PERMISSIVE' ELSE ' RESTRICTIVE' END
                || ' FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                    WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
                || ' TO ' || (SELECT string_agg(r.name, ', ' ORDER BY r.name)
                    FROM (SELECT CASE WHEN o = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(o)) END AS name
                        FROM unnest(p.polroles) AS o) r)
                || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
                || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')
            FROM pg_policy p JOIN rel c ON c.oid = p.polrelid
            """;

    private static final String GRANTS = "SELECT 'grant ' || a.privilege_type || ' on ' || quote_ident(c.relname)"
            + GRANTEE + """
            FROM rel c CROSS JOIN LATERAL aclexplode(coalesce(c.relacl,
                CASE WHEN c.relkind = 'S' THEN acldefault('s', c.relowner) ELSE acldefault('r', c.relowner) END)) a
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND a.grantee <> c.relowner
            UNION ALL
            SELECT 'grant ' || a.privilege_type || ' on '
                || CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END
                || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
            """ + GRANTEE + """
            FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
            CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
            WHERE a.grantee <> p.proowner AND NOT EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'grant ' || a.privilege_type || ' on schema'
            """ + GRANTEE + """
            FROM ns CROSS JOIN LATERAL aclexplode(coalesce(ns.nspacl, acldefault('n', ns.nspowner))) a
            WHERE a.grantee <> ns.nspowner
            """;

    private static final String TYPES = """
            SELECT 'type ' || quote_ident(t.typname) || CASE t.typtype
                WHEN 'e' THEN ' AS ENUM ('
                    || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                        FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')'
                WHEN 'd' THEN ' AS DOMAIN ' || format_type(t.typbasetype, t.typtypmod)
                    || CASE WHEN t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
                        THEN ' COLLATE ' || t.typcollation::regcollation::text ELSE '' END
                    || coalesce(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '')
                    || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
                    || coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(co.conname) || ' '
                        || pg_get_constraintdef(co.oid, true), '' ORDER BY co.conname)
                        FROM pg_constraint co WHERE co.contypid = t.oid AND co.contype <> 'n'), '')
                ELSE ' AS ('
                    || coalesce((SELECT string_agg(
                        quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                        FROM pg_attribute a
                        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '')
                    || ')' END
            FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
            WHERE (t.typtype IN ('e', 'd')
                    OR t.typtype = 'c' AND (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            """;

    /** View definitions and policies' subqueries come out on several indented lines. */
    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");

    private static final List<String> KINDS = List.of(TABLES, ROW_SECURITY, COLUMNS, INDEXES, CONSTRAINTS, SEQUENCES,
            VIEWS, FUNCTIONS, TRIGGERS, POLICIES, GRANTS, TYPES);

    /**
     * Every kind in one statement, one round trip: a run that keeps drift's snapshot reads the catalog
     * twice, and a fleet does that for every tenant.
     */
    private static final String ALL_KINDS = SCOPE + KINDS.stream().map(kind -> "(" + kind.strip() + ")")
            .collect(Collectors.joining("\nUNION ALL\n"));

    private final SortedSet<String> lines;

    private CatalogSnapshot(SortedSet<String> lines) {
        this.lines = Collections.unmodifiableSortedSet(lines);
    }

    /**
     * Reads the schema's objects; {@code ignoredTables} (e.g. the tracker table), named as the catalog
     * spells them, are left out with their columns, indexes, constraints, triggers, policies, grants and
     * owned sequences. One query for every kind, in one transaction (or, when the connection is in one
     * already, in a savepoint) that is rolled back: the connection's autocommit and {@code search_path}
     * are as they were. A schema that does not exist gives an empty snapshot.
     */
    public static CatalogSnapshot of(Connection connection, String schema, Set<String> ignoredTables)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        Savepoint savepoint = null;
        if (autoCommit) {
            connection.setAutoCommit(false);
        } else {
            savepoint = connection.setSavepoint();
        }
        SortedSet<String> lines;
        try {
            lines = read(connection, schema, ignoredTables);
        } catch (SQLException | RuntimeException e) {
            try {
                restore(connection, autoCommit, savepoint);
            } catch (SQLException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
        restore(connection, autoCommit, savepoint);
        return new CatalogSnapshot(lines);
    }

    private static SortedSet<String> read(Connection connection, String schema, Set<String> ignoredTables)
            throws SQLException {
        try (PreparedStatement path = connection.prepareStatement(
                "SELECT set_config('search_path', quote_ident(?), true)")) {
            path.setString(1, schema);
            path.execute();
        }
        SortedSet<String> lines = new TreeSet<>();
        Array ignored = connection.createArrayOf("text", ignoredTables.toArray());
        try (PreparedStatement query = connection.prepareStatement(ALL_KINDS)) {
            query.setArray(1, ignored);
            query.setString(2, schema);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (line != null) {
                        lines.add(LINE_BREAK.matcher(line).replaceAll(" ").strip());
                    }
                }
            }
        } finally {
            ignored.free();
        }
        return lines;
    }

    /** Rolling back also undoes the transaction-local {@code search_path}. */
    private static void restore(Connection connection, boolean autoCommit, Savepoint savepoint) throws SQLException {
        if (autoCommit) {
            connection.rollback();
            connection.setAutoCommit(true);
        } else {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
        }
    }

    /** The lines, sorted: e.g. {@code column orders.total numeric(10,2) NOT NULL DEFAULT 0}. */
    public SortedSet<String> lines() {
        return lines;
    }

    /**
     * What differs from {@code before}: {@code "+ <line>"} for a line in this snapshot only and
     * {@code "- <line>"} for one in {@code before} only, sorted by the line, so that a changed object
     * shows as a pair. Empty when the snapshots are equal.
     */
    public List<String> differencesFrom(CatalogSnapshot before) {
        SortedSet<String> all = new TreeSet<>(lines);
        all.addAll(before.lines);
        List<String> differences = new ArrayList<>();
        for (String line : all) {
            if (!before.lines.contains(line)) {
                differences.add("+ " + line);
            } else if (!lines.contains(line)) {
                differences.add("- " + line);
            }
        }
        return differences;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CatalogSnapshot snapshot && lines.equals(snapshot.lines);
    }

    @Override
    public int hashCode() {
        return lines.hashCode();
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
