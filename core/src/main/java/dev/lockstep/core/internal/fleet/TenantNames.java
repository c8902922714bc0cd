package dev.lockstep.core.internal.fleet;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The names a fleet refuses as tenants, all found before any tenant runs, each with why:
 * <ul>
 *   <li>no name at all (a NULL or an empty string from the tenants query);</li>
 *   <li>a name that SQL must quote ({@code quote_ident(name) <> name}: capitals, spaces, keywords).
 *       {@code ${tenant}} and {@code ${schema}} are put into the files as written, and PostgreSQL
 *       folds an unquoted {@code Beta} to {@code beta}: the files would write into another
 *       tenant's schema;</li>
 *   <li>schema-per-tenant: PostgreSQL's own schemas ({@code pg_*}, {@code information_schema}), and
 *       {@code public} unless the list names it;</li>
 *   <li>database-per-tenant: template databases ({@code datistemplate}: every database created
 *       later copies them) and databases that take no connections.</li>
 * </ul>
 * The server decides what needs quoting and what is a template, so the answer is PostgreSQL's own.
 */
public final class TenantNames {

    private TenantNames() {
    }

    /**
     * @param listed whether the names come from a list the user wrote (which may name {@code public})
     * @param connection to the fleet's own database, which asks the server
     * @return one line per refused name, saying why; empty when every name may be a tenant
     */
    public static List<String> refusals(List<String> names, boolean listed, TenantDatabases databases,
            Connection connection) throws SQLException {
        List<String> refused = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank()) {
                refused.add("tenant " + (i + 1) + " of " + names.size() + " is " + (name == null ? "NULL" : "empty")
                        + ": every tenant needs a name");
            } else {
                named.add(name);
            }
        }
        boolean schemas = databases instanceof TenantDatabases.Schemas;
        for (String name : named) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (schemas && (lower.startsWith("pg_") || lower.equals("information_schema"))) {
                refused.add("'" + name + "' is one of PostgreSQL's own schemas, never a tenant");
            } else if (schemas && name.equals("public") && !listed) {
                refused.add("'public' is the database's default schema, not a tenant; name it in the tenants list "
                        + "if it really is one");
            }
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT t, quote_ident(t) <> t, EXISTS (SELECT 1 FROM "
                + "pg_database d WHERE d.datname = t AND (d.datistemplate OR NOT d.datallowconn)) "
                + "FROM unnest(?::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n")) {
            Array array = connection.createArrayOf("text", named.toArray());
            s.setArray(1, array);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (rs.getBoolean(2)) {
                        refused.add("'" + name + "' must be quoted in SQL, and ${tenant} and ${schema} are put into "
                                + "the files as written (PostgreSQL would fold an unquoted " + name + " to "
                                + name.toLowerCase(Locale.ROOT) + "); name tenants in lower case, without spaces or "
                                + "SQL keywords");
                    } else if (!schemas && rs.getBoolean(3)) {
                        refused.add("'" + name + "' is a template database or takes no connections "
                                + "(pg_database.datistemplate or NOT datallowconn), never a tenant: every database "
                                + "created later would copy what a run put in a template");
                    }
                }
            }
        }
        return refused;
    }
}
