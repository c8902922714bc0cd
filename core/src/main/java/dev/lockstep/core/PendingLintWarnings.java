package dev.lockstep.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Before a run applies its pending migrations: a warning for each risky statement
 * ({@link MigrationLint}) on a table that already exists in this database, where it meets rows and
 * traffic. A table a pending migration creates first is new and empty, so not warned about. Only
 * ever logs: a problem here never stops a run.
 */
final class PendingLintWarnings {

    private static final System.Logger LOG = System.getLogger(PendingLintWarnings.class.getName());

    private PendingLintWarnings() {
    }

    static void log(Connection connection, List<Migration> onDisk, List<Migration> pending) {
        try {
            List<LintFinding> findings = MigrationLint.checkPending(onDisk, pending);
            Map<String, Boolean> exists = new HashMap<>();
            for (LintFinding finding : findings) {
                if (exists.computeIfAbsent(finding.relation(), relation -> exists(connection, relation))) {
                    LOG.log(Level.WARNING, "Risky pending statement on a table that already exists: "
                            + finding.describe());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Could not lint the pending migrations: " + e.getMessage());
        }
    }

    /** Whether the relation exists here; a name PostgreSQL cannot read (e.g. "every table") counts as existing. */
    private static boolean exists(Connection connection, String relation) {
        try (PreparedStatement p = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            p.setString(1, relation);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return true;
        }
    }
}
