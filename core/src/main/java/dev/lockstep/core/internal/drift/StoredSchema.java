package dev.lockstep.core.internal.drift;

import dev.lockstep.core.CatalogSnapshot;
import dev.lockstep.core.internal.expand.ExpansionTable;
import dev.lockstep.core.internal.jobs.JobTable;
import dev.lockstep.core.internal.tracker.Identifiers;
import dev.lockstep.core.internal.tracker.Tracker;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The schema as the migrations left it, stored beside the tracker in {@code <tracker>_schema} (one
 * row), for drift where no scratch database can be made. A run that applies or undoes something
 * reads the schema before and after its work and stores the stored lines changed by exactly what
 * the run changed: a change made by hand before the run stays a difference, and is not taken in by
 * the next run's snapshot. The row says which tracker state it belongs to (a hash of every tracker
 * row); drift refuses a snapshot of another state (a run whose snapshot could not be stored), and a
 * run that finds one starts over from the live schema, saying so.
 */
public final class StoredSchema {

    private static final System.Logger LOG = System.getLogger(StoredSchema.class.getName());
    private static final String SUFFIX = "_schema";

    /** A stored snapshot: its lines, the tracker state it belongs to, when and by whom it was stored. */
    public record Stored(List<String> lines, String trackerState, Instant storedAt, String storedBy) {
    }

    private final CatalogSnapshot before;
    private final SortedSet<String> base;

    private StoredSchema(CatalogSnapshot before, SortedSet<String> base) {
        this.before = before;
        this.base = base;
    }

    /** The table's name: the tracker's with {@code _schema}, the tracker's cut short to stay within 63 bytes. */
    public static String tableOf(String trackerTable) {
        return Identifiers.suffixed(trackerTable, SUFFIX);
    }

    /** Lockstep's own tables in the tracker's schema, which no schema comparison counts. */
    public static Set<String> ownTables(String trackerTable) {
        return Set.of(trackerTable, tableOf(trackerTable), JobTable.tableOf(trackerTable),
                ExpansionTable.tableOf(trackerTable));
    }

    /**
     * Before a run changes the schema, under its lock: the schema now, and what the stored snapshot
     * says the migrations made (the live schema when there is none, or one of another tracker state).
     * Empty when the catalog could not be read: the run goes on and stores nothing.
     */
    public static Optional<StoredSchema> before(Connection connection, Tracker tracker, String trackerTable) {
        try {
            CatalogSnapshot now = CatalogSnapshot.of(connection, tracker.schema(), ownTables(trackerTable));
            Optional<Stored> stored = read(connection, tracker, trackerTable);
            String state = trackerState(connection, tracker);
            if (stored.isPresent() && stored.get().trackerState().equals(state)) {
                return Optional.of(new StoredSchema(now, new TreeSet<>(stored.get().lines())));
            }
            if (stored.isPresent()) {
                LOG.log(Level.WARNING, "The schema snapshot in " + Identifiers.qualify(tracker.schema(),
                        tableOf(trackerTable)) + " belongs to another state of the tracker (a run that could not "
                        + "store it); this run stores the schema as it finds it, so drift from before now shows only "
                        + "in a replay (lockstep.drift.compare-with=replay)");
            }
            return Optional.of(new StoredSchema(now, new TreeSet<>(now.lines())));
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not read the schema before the run (" + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]); the run stores no schema snapshot for drift");
            return Optional.empty();
        }
    }

    /**
     * After the run's work: the stored lines changed as the schema changed since {@link #before},
     * stored with the tracker's state now. A failure is logged, never thrown: the run's migrations
     * are committed whatever happens to their snapshot.
     */
    public void store(Connection connection, Tracker tracker, String trackerTable, String runner) {
        try {
            CatalogSnapshot after = CatalogSnapshot.of(connection, tracker.schema(), ownTables(trackerTable));
            SortedSet<String> lines = new TreeSet<>(base);
            before.lines().stream().filter(line -> !after.lines().contains(line)).forEach(lines::remove);
            lines.addAll(after.lines().stream().filter(line -> !before.lines().contains(line)).toList());
            write(connection, tracker, trackerTable, lines, runner);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not store the schema snapshot for drift (" + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]); the migrations are applied. Drift compares with a replay until a run "
                    + "stores one");
        }
    }

    private static void write(Connection connection, Tracker tracker, String trackerTable, SortedSet<String> lines,
            String runner) throws SQLException {
        String table = Identifiers.qualify(tracker.schema(), tableOf(trackerTable));
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            if (!Tracker.exists(connection, table)) {
                try (Statement s = connection.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id int PRIMARY KEY CHECK (id = 1), "
                            + "tracker_state text NOT NULL, lines text NOT NULL, stored_at timestamptz NOT NULL, "
                            + "stored_by text NOT NULL)");
                    s.execute("COMMENT ON TABLE " + table + " IS 'Lockstep: the schema as the migrations in "
                            + tracker.displayName().replace("'", "''") + " left it, for drift; rewritten by each run "
                            + "that changes the schema'");
                }
            }
            String state = trackerState(connection, tracker);
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                    + " VALUES (1, ?, ?, now(), ?) ON CONFLICT (id) DO UPDATE SET tracker_state = excluded.tracker_state, "
                    + "lines = excluded.lines, stored_at = excluded.stored_at, stored_by = excluded.stored_by")) {
                upsert.setString(1, state);
                upsert.setString(2, String.join("\n", lines));
                upsert.setString(3, runner);
                upsert.execute();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The stored snapshot, if the table and its row exist. */
    public static Optional<Stored> read(Connection connection, Tracker tracker, String trackerTable)
            throws SQLException {
        String table = Identifiers.qualify(tracker.schema(), tableOf(trackerTable));
        if (!Tracker.exists(connection, table)) {
            return Optional.empty();
        }
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT tracker_state, lines, stored_at, stored_by FROM " + table)) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String text = rs.getString(2);
            List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n"));
            Timestamp at = rs.getTimestamp(3);
            return Optional.of(new Stored(lines, rs.getString(1), at.toInstant(), rs.getString(4)));
        }
    }

    /**
     * After an action that changed tracker rows and not the schema (a checksum or a name accepted):
     * the stored snapshot, if it was of the tracker as it was ({@code before}), is of the tracker
     * now. A failure is logged, never thrown: the action is done.
     */
    public static void followTracker(Connection connection, Tracker tracker, String trackerTable, String before) {
        String table = Identifiers.qualify(tracker.schema(), tableOf(trackerTable));
        try {
            if (Tracker.exists(connection, table)) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                        + " SET tracker_state = ? WHERE tracker_state = ?")) {
                    update.setString(1, trackerState(connection, tracker));
                    update.setString(2, before);
                    update.execute();
                }
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not keep the schema snapshot for drift with the tracker (" + e.getMessage()
                    + "); drift compares with a replay until a run stores a new one");
        }
    }

    /** Every tracker row (version, name, checksum, state) in one hash: any run that records something changes it. */
    public static String trackerState(Connection connection, Tracker tracker) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) || ':' || "
                + "coalesce(md5(string_agg(version::text || E'\\t' || name || E'\\t' || coalesce(checksum, '') "
                + "|| E'\\t' || state, E'\\n' ORDER BY version, name)), '') FROM " + tracker.qualifiedName())) {
            rs.next();
            return rs.getString(1);
        }
    }
}
