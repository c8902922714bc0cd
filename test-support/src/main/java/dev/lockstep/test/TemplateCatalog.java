package dev.lockstep.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL behind templates and clones, run on the server's own database (the one its URL names).
 *
 * <p>Locks: building takes the template's advisory lock exclusively; cloning takes it shared
 * (clones run in parallel, and wait while the template is built); dropping an old template only
 * tries it, so a template is never dropped while anyone clones it. Advisory locks belong to one
 * database, which is why every step runs on the server URL's database.
 */
final class TemplateCatalog {

    static final String TEMPLATE_PREFIX = "lockstep_tpl_";
    /** Old templates of other projects (or of any) are dropped once they are this old and unused. */
    static final Duration RETENTION = Duration.ofDays(7);

    private static final Logger LOG = Logger.getLogger(TemplateDatabase.class.getName());
    private static final Pattern COMMENT = Pattern.compile("family (\\w+), built (\\S+)");

    private TemplateCatalog() {
    }

    /** What about the server decides a template's name and the fastest clone strategy. */
    record ServerFacts(int versionNum, boolean fsync) {
    }

    static ServerFacts serverFacts(DatabaseServer server) {
        try (Connection c = server.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num'), current_setting('fsync')")) {
            rs.next();
            return new ServerFacts(Integer.parseInt(rs.getString(1)), "on".equals(rs.getString(2)));
        } catch (SQLException e) {
            throw failure(server, "read the server's version", e);
        }
    }

    /**
     * Makes sure the template exists and is complete; builds it under the exclusive lock if not.
     * A template is complete once it is marked {@code IS_TEMPLATE}: a build that died halfway
     * leaves a database without that mark, which the next build drops and builds again.
     */
    static void ensureTemplate(DatabaseServer server, String name, long lockKey, String family, Runnable migrate) {
        ensureTemplate(server, name, lockKey, family, migrate, true);
    }

    /** {@code serialized} false only for the test that shows what the lock prevents. */
    static void ensureTemplate(DatabaseServer server, String name, long lockKey, String family, Runnable migrate,
            boolean serialized) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            if (isComplete(c, name)) {
                return;
            }
            if (serialized) {
                lock(s, "pg_advisory_lock(" + lockKey + ")");
            }
            try {
                if (isComplete(c, name)) {
                    return; // another thread or process built it while this one waited
                }
                long started = System.nanoTime();
                s.execute("DROP DATABASE IF EXISTS " + name + forceClause(c));
                s.execute("CREATE DATABASE " + name);
                try {
                    migrate.run();
                } catch (RuntimeException e) {
                    s.execute("DROP DATABASE IF EXISTS " + name + forceClause(c));
                    throw e;
                }
                s.execute("ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
                s.execute("COMMENT ON DATABASE " + name + " IS 'Lockstep test template: family " + family + ", built "
                        + Instant.now() + "'");
                LOG.info("Built the test template database " + name + " on " + server + " in "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms; each test gets a clone of it");
            } finally {
                if (serialized) {
                    s.execute("SELECT pg_advisory_unlock(" + lockKey + ")");
                }
            }
            dropOldTemplates(c, name, family);
        } catch (SQLException e) {
            throw failure(server, "build the template database " + name, e);
        }
    }

    static void cloneTemplate(DatabaseServer server, String template, long lockKey, String clone, String strategy) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            lock(s, "pg_advisory_lock_shared(" + lockKey + ")");
            try {
                s.execute("CREATE DATABASE " + clone + " TEMPLATE " + template + strategy);
            } finally {
                s.execute("SELECT pg_advisory_unlock_shared(" + lockKey + ")");
            }
        } catch (SQLException e) {
            throw failure(server, "clone " + template + " as " + clone, e);
        }
    }

    static void dropClone(DatabaseServer server, String clone) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + clone + forceClause(c));
        } catch (SQLException e) {
            throw failure(server, "drop " + clone, e);
        }
    }

    /**
     * Drops the templates this one replaces (same family: the same locations and tracker, older
     * files) and any template unused for {@link #RETENTION}, each only if nobody clones it now.
     */
    private static void dropOldTemplates(Connection c, String current, String family) throws SQLException {
        List<String> old = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT datname, shobj_description(oid, 'pg_database') "
                + "FROM pg_database WHERE datname LIKE 'lockstep\\_tpl\\_%' AND datname <> ?")) {
            p.setString(1, current);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Matcher comment = COMMENT.matcher(rs.getString(2) == null ? "" : rs.getString(2));
                    if (comment.find() && (comment.group(1).equals(family)
                            || Instant.parse(comment.group(2)).isBefore(Instant.now().minus(RETENTION)))) {
                        old.add(rs.getString(1));
                    }
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String template : old) {
                long key = Long.parseUnsignedLong(template.substring(TEMPLATE_PREFIX.length()), 16);
                if (tryLock(s, key)) {
                    try {
                        s.execute("ALTER DATABASE " + template + " WITH IS_TEMPLATE false");
                        s.execute("DROP DATABASE IF EXISTS " + template);
                    } catch (SQLException e) {
                        // in use after all, or dropped by another process meanwhile: leave it to a later build
                    } finally {
                        s.execute("SELECT pg_advisory_unlock(" + key + ")");
                    }
                }
            }
        }
    }

    private static boolean isComplete(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT datistemplate FROM pg_database WHERE datname = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void lock(Statement s, String call) throws SQLException {
        s.execute("SELECT " + call);
    }

    private static boolean tryLock(Statement s, long key) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** {@code WITH (FORCE)} ends the sessions still on a database (a test's pool); PostgreSQL 13+. */
    private static String forceClause(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseMajorVersion() >= 13 ? " WITH (FORCE)" : "";
    }

    private static IllegalStateException failure(DatabaseServer server, String what, SQLException e) {
        return new IllegalStateException("Lockstep test support could not " + what + " on " + server + ": "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]. " + advice(e), e);
    }

    /** One sentence for the cause: a missing database is not fixed by a privilege, nor the other way round. */
    private static String advice(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "3D000" -> "The database in the URL must exist: the test support creates its template databases and "
                    + "clones beside it on the same server, not that database itself.";
            case "42501" -> "The user needs the CREATEDB privilege (ALTER USER ... CREATEDB).";
            case "28000", "28P01" -> "Check the user name and password, and that pg_hba.conf lets this user in.";
            default -> "See PostgreSQL's message above.";
        };
    }
}
