package dev.lockstep.core.internal.run;

import dev.lockstep.core.LintFinding;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.lint.LintCheck;
import dev.lockstep.core.internal.tracker.Tracker;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Before a run applies its pending migrations: a warning for each risky statement
 * ({@link LintCheck}) on a table that already exists in this database, where it meets rows and
 * traffic. A table a pending migration creates first is new and empty, so not warned about. Only
 * ever logs: a problem here never stops a run.
 */
final class PendingLintWarnings {

    private static final System.Logger LOG = System.getLogger(PendingLintWarnings.class.getName());

    private PendingLintWarnings() {
    }

    static void log(Connection connection, Tracker tracker, List<LoadedMigration> onDisk, List<LoadedMigration> pending) {
        try {
            if (!hasTablesBesides(connection, tracker)) {
                return; // a new database: nothing a pending statement could lock is there yet
            }
            List<LintFinding> findings = LintCheck.findings(onDisk, Set.copyOf(pending)::contains);
            if (findings.isEmpty()) {
                return;
            }
            Set<String> existing = existing(connection, findings.stream().map(LintFinding::relation)
                    .collect(Collectors.toCollection(LinkedHashSet::new)));
            for (LintFinding finding : findings) {
                if (existing.contains(finding.relation())) {
                    LOG.log(Level.WARNING, "Risky pending statement on a table that already exists: "
                            + finding.describe());
                }
            }
        } catch (RuntimeException | SQLException e) {
            LOG.log(Level.DEBUG, "Could not lint the pending migrations: " + e.getMessage());
        }
    }

    private static boolean hasTablesBesides(Connection connection, Tracker tracker) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
                + "AND c.oid IS DISTINCT FROM to_regclass(?))")) {
            p.setString(1, tracker.qualifiedName());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Which of these relations exist here, in one query. A name PostgreSQL cannot read as one
     * (e.g. "every table", for a {@code VACUUM FULL} of all) counts as existing.
     */
    private static Set<String> existing(Connection connection, Set<String> relations) throws SQLException {
        Set<String> existing = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (String relation : relations) {
            if (relation.contains(" ")) {
                existing.add(relation);
            } else {
                names.add(relation);
            }
        }
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT r FROM unnest(?::text[]) AS r WHERE to_regclass(r) IS NOT NULL")) {
            p.setArray(1, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    existing.add(rs.getString(1));
                }
            }
        }
        return existing;
    }
}
