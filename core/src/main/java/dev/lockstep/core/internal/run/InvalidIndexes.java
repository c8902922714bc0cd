package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.Literals;
import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.RelationName;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Indexes a concurrent build or drop left INVALID ({@code pg_index.indisvalid = false}): a build
 * cancelled, its backend terminated or its server restarted half-way. Such an index takes every
 * write's cost and serves no query, and {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS} skips it as
 * if it were built. Dropped concurrently, like the build, so that no query waits on the drop.
 */
final class InvalidIndexes {

    /** What the catalog says of an index. */
    enum State {
        ABSENT, VALID, INVALID
    }

    /**
     * One INVALID index.
     *
     * @param name as {@code regclass} prints it: qualified unless its schema is on the search path
     * @param table the table it is on, printed the same way
     */
    record Found(String name, String table) {

        /** The statement that removes it without blocking the table's queries. */
        String dropSql() {
            return "DROP INDEX CONCURRENTLY IF EXISTS " + name;
        }

        String describe() {
            return name + " on " + table + " (" + dropSql() + ")";
        }
    }

    private InvalidIndexes() {
    }

    /**
     * Where a statement's index is, as PostgreSQL finds it: a build's index in its table's schema
     * (the name in {@code CREATE INDEX} cannot be qualified; the index goes where the table is,
     * whatever {@code search_path} says), a drop's or a reindex's by its name on {@code search_path},
     * as the statement resolves it.
     *
     * @param table the table a build names; empty for a drop or a reindex
     */
    record IndexOf(RelationName index, Optional<RelationName> table) {

        /** The index a statement builds, drops or rebuilds, where it names one. */
        static Optional<IndexOf> of(PartWay work) {
            return work.index().map(index -> new IndexOf(index,
                    work.kind() == PartWay.Kind.BUILDS_INDEX ? work.table() : Optional.empty()));
        }

        /** The {@code FROM ... WHERE} that finds the index's {@code pg_index} row as {@code i}. */
        private String fromWhere() {
            if (table.isEmpty()) {
                return " FROM pg_index i WHERE i.indexrelid = to_regclass(" + Literals.escaped(index.text()) + ")";
            }
            return " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = "
                    + Literals.escaped(index.key()) + " AND c.relnamespace = (SELECT t.relnamespace FROM pg_class t "
                    + "WHERE t.oid = to_regclass(" + Literals.escaped(table.get().text()) + "))";
        }
    }

    /** The index's state, found where the statement's index is ({@link IndexOf}). */
    static State state(Connection connection, IndexOf index) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(stateSql(index))) {
            rs.next();
            return State.valueOf(rs.getString(1));
        }
    }

    /** A query whose one row and column is the index's {@link State}, to send with other statements. */
    static String stateSql(IndexOf index) {
        return "SELECT COALESCE((SELECT CASE WHEN i.indisvalid THEN 'VALID' ELSE 'INVALID' END" + index.fromWhere()
                + "), 'ABSENT')";
    }

    /**
     * The index's name as {@code regclass} prints it (qualified, quoted, unless its schema is first
     * on {@code search_path}), for a statement that drops it; empty when there is none.
     */
    static Optional<String> nameOf(Connection connection, IndexOf index) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT i.indexrelid::regclass::text" + index.fromWhere())) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** The INVALID indexes in these schemas, by name. */
    static List<Found> inSchemas(Connection connection, Collection<String> schemas) throws SQLException {
        List<Found> found = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT i.indexrelid::regclass::text, "
                + "i.indrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname = ANY (?) "
                + "ORDER BY 1")) {
            s.setArray(1, connection.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new Found(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return found;
    }

    /**
     * The INVALID indexes to report before a run: those in the tracker's schema, and those the
     * concurrent index statements of interrupted migrations name, wherever their tables are.
     */
    static List<Found> toReport(Connection connection, String trackerSchema, List<LoadedMigration> interrupted)
            throws SQLException {
        List<Found> found = new ArrayList<>(inSchemas(connection, List.of(trackerSchema)));
        for (LoadedMigration migration : interrupted) {
            for (Iterator<SqlStatement> it = migration.openStatements(); it.hasNext(); ) {
                Optional<IndexOf> index = it.next().facts().partWay().flatMap(IndexOf::of);
                if (index.isPresent() && state(connection, index.get()) == State.INVALID) {
                    String name = nameOf(connection, index.get()).orElseThrow();
                    if (found.stream().noneMatch(f -> f.name().equals(name))) {
                        found.add(new Found(name, index.get().table().map(RelationName::text).orElse("its table")));
                    }
                }
            }
        }
        return found;
    }

    /**
     * Drops an index concurrently, without a {@code lock_timeout}: like the build, the drop's
     * waits hold up no query, and a drop cancelled half-way would leave the index as it was.
     * The session's {@code lock_timeout} is put back afterwards.
     */
    static void drop(Connection connection, String index) throws SQLException {
        try (Statement s = connection.createStatement()) {
            String before;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('lock_timeout')")) {
                rs.next();
                before = rs.getString(1);
            }
            s.execute("SET lock_timeout = 0");
            SQLException failure = null;
            try {
                s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
            } catch (SQLException e) {
                failure = e;
            }
            try (PreparedStatement restore = connection.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
                restore.setString(1, before);
                restore.execute();
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
