package dev.lockstep.core.internal.drift;

import dev.lockstep.core.internal.tracker.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The live database's default privileges ({@code ALTER DEFAULT PRIVILEGES}, kept per database in
 * {@code pg_default_acl}) and the grants on the compared schema (which a run creates, or a DBA, never
 * the migrations), given to the scratch database before the replay: a DBA who set them when
 * the database was made gave every table the migrations created its grants, and the replay's
 * tables must get the same, or each grant would show as drift. Global entries are copied with the
 * revocations they hold against PostgreSQL's own defaults; per-schema entries only for the tracker's
 * schema, the one that is compared. An entry the replaying role may not set (it is no member of the
 * entry's role) is left out, and said in the log.
 */
final class DefaultPrivileges {

    private static final System.Logger LOG = System.getLogger(DefaultPrivileges.class.getName());

    /** Each default privilege to grant, and each of PostgreSQL's own that a global entry takes away. */
    private static final String READ = """
            SELECT 'GRANT', d.defaclrole::regrole::text, n.nspname, d.defaclobjtype::text, a.privilege_type,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, a.is_grantable
            FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
            CROSS JOIN LATERAL aclexplode(d.defaclacl) a
            WHERE (d.defaclnamespace = 0 OR n.nspname = ?) AND a.grantee <> d.defaclrole
            UNION ALL
            SELECT 'REVOKE', d.defaclrole::regrole::text, NULL, d.defaclobjtype::text, b.privilege_type,
                   CASE WHEN b.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(b.grantee)) END, false
            FROM pg_default_acl d
            CROSS JOIN LATERAL aclexplode(acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END,
                d.defaclrole)) b
            WHERE d.defaclnamespace = 0 AND b.grantee <> d.defaclrole AND NOT EXISTS (
                SELECT 1 FROM aclexplode(d.defaclacl) a WHERE a.grantee = b.grantee AND a.privilege_type = b.privilege_type)
            """;

    /** The grants on the compared schema itself: the schema is given to the migrations, not made by them. */
    private static final String SCHEMA_GRANTS = """
            SELECT 'GRANT ' || a.privilege_type || ' ON SCHEMA ' || quote_ident(n.nspname) || ' TO '
                || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
                || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
            FROM pg_namespace n CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
            WHERE n.nspname = ? AND a.grantee <> n.nspowner
            """;

    private DefaultPrivileges() {
    }

    /** Reads them from the live database, as statements for the scratch one. */
    static List<String> of(Connection live, String schema) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (PreparedStatement query = live.prepareStatement(READ)) {
            query.setString(1, schema);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String objects = switch (rs.getString(4)) {
                        case "r" -> "TABLES";
                        case "S" -> "SEQUENCES";
                        case "f" -> "FUNCTIONS";
                        case "T" -> "TYPES";
                        default -> "SCHEMAS";
                    };
                    boolean grant = rs.getString(1).equals("GRANT");
                    String inSchema = rs.getString(3) == null ? "" : " IN SCHEMA " + Identifiers.quote(rs.getString(3));
                    statements.add("ALTER DEFAULT PRIVILEGES FOR ROLE " + rs.getString(2) + inSchema + " "
                            + rs.getString(1) + " " + rs.getString(5) + " ON " + objects + (grant ? " TO " : " FROM ")
                            + rs.getString(6) + (rs.getBoolean(7) ? " WITH GRANT OPTION" : ""));
                }
            }
        }
        try (PreparedStatement query = live.prepareStatement(SCHEMA_GRANTS)) {
            query.setString(1, schema);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
        }
        return statements;
    }

    /**
     * Runs them on the scratch database, after giving its schema the live schema's owner (grants to an
     * owner are not compared, so a schema owned by another role would show them); what the role may not
     * do is left out, in the log.
     */
    static void give(Connection live, Connection scratch, String schema, List<String> statements)
            throws SQLException {
        String owner;
        try (PreparedStatement query = live.prepareStatement(
                "SELECT quote_ident(pg_get_userbyid(nspowner)) FROM pg_namespace WHERE nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet rs = query.executeQuery()) {
                owner = rs.next() ? rs.getString(1) : null;
            }
        }
        if (owner != null) {
            try (Statement s = scratch.createStatement()) {
                s.execute("ALTER SCHEMA " + Identifiers.quote(schema) + " OWNER TO " + owner);
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "The replay's schema " + schema + " is not owned by " + owner + " as the live "
                        + "one is (" + e.getMessage() + "): the live schema's grants to the replaying role show as "
                        + "drift. Run drift as " + owner + " (or a member of it), or leave them out with "
                        + "lockstep.drift.ignore=grant * on schema to <role>");
            }
        }
        try (Statement s = scratch.createStatement()) {
            for (String statement : statements) {
                try {
                    s.execute(statement);
                } catch (SQLException e) {
                    LOG.log(Level.WARNING, "The replay's scratch database did not get the live database's privilege '" + statement + "' (" + e.getMessage() + "); objects it would have granted "
                            + "show as drift. Run drift as a member of that role, or leave those grants out with "
                            + "lockstep.drift.ignore");
                }
            }
        }
    }
}
