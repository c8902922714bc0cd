package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.internal.files.Placeholders;
import dev.lockstep.core.internal.lock.LockKeys;
import dev.lockstep.core.internal.session.SupportedServer;
import dev.lockstep.core.internal.session.WritableCheck;
import dev.lockstep.core.internal.tracker.Tracker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where a command acts: the database, the tracker (schema and table), the lock key, the values of
 * the files' placeholders and how a session is prepared for the files' SQL (a schema tenant's
 * schema first on {@code search_path}, so its unqualified names land there). Every command
 * (migrate, undo, validate, info, preview, repair, round trip) takes its connection, tracker, lock
 * key and session settings from the one target its engine was built with, and from nowhere else:
 * no command can act on a default it did not choose. An application's single engine is one target
 * ({@link #of}); a fleet builds one per tenant ({@link #forTenant}).
 *
 * @param tenant the tenant's name, for a fleet's tenant; empty for an engine of its own
 * @param schema the tracker's schema; empty: the connection's current schema
 * @param lockKey empty: derived from the tracker's qualified name
 * @param searchPath what {@code search_path} is while the files' SQL runs; empty: the session's own
 */
public record RunTarget(Optional<String> tenant, DataSource dataSource, Optional<String> schema, String table,
        Optional<Long> lockKey, Optional<String> searchPath, Placeholders placeholders) {

    /** An engine's own target: no tenant, the session's {@code search_path}. */
    public static RunTarget of(DataSource dataSource, Optional<String> schema, String table, Optional<Long> lockKey,
            Placeholders placeholders) {
        return new RunTarget(Optional.empty(), dataSource, schema, table, lockKey, Optional.empty(), placeholders);
    }

    /**
     * A fleet's tenant: its database, its tracker's schema, its schema first on {@code search_path}
     * (schema-per-tenant), its placeholder values on top of the fleet's; the fleet's table and lock key.
     */
    public RunTarget forTenant(String name, DataSource tenantDataSource, Optional<String> tenantSchema,
            Optional<String> tenantSearchPath, Map<String, String> tenantPlaceholders) {
        return new RunTarget(Optional.of(name), tenantDataSource, tenantSchema, table, lockKey, tenantSearchPath,
                placeholders.with(tenantPlaceholders));
    }

    /** The tracker, its schema resolved on this connection once and then always written qualified. */
    public Tracker tracker(Connection connection) throws SQLException {
        return Tracker.resolve(connection, schema, table);
    }

    /**
     * The tracker, which an operator action needs to exist.
     *
     * @param nothingTo what there is then nothing to do, e.g. "nothing to repair"
     */
    public Tracker existingTracker(Connection connection, String nothingTo) throws SQLException {
        Tracker tracker = tracker(connection);
        if (!tracker.exists(connection)) {
            throw new LockstepException("There is no tracker " + tracker.displayName() + " in this database"
                    + tenant.map(t -> " (tenant " + t + ")").orElse("") + ": " + nothingTo + ".");
        }
        return tracker;
    }

    /** The advisory lock key of this tracker: the configured one, else a hash of its qualified name. */
    public long lockKey(Tracker tracker) {
        return lockKey.orElseGet(() -> LockKeys.derive(tracker.displayName()));
    }

    /**
     * What the session is set to while the files' SQL runs (migrate's ups, undo's downs, the round
     * trip, the hooks), read on the connection they run on: a schema tenant's schema alone; else
     * {@code lockstep.schema}, when set, first on the session's own {@code search_path}, as Flyway's
     * {@code defaultSchema} does, so a file's unqualified names resolve and land in the schema whose
     * tracker records it (an adopted Flyway history in schema {@code app} goes on in {@code app}).
     */
    public Map<String, String> sessionSettings(Connection connection) throws SQLException {
        if (searchPath.isPresent()) {
            return Map.of("search_path", searchPath.get());
        }
        if (schema.isEmpty()) {
            return Map.of();
        }
        return Map.of("search_path", SearchPath.withFirst(connection, schema.get()));
    }

    /**
     * A connection of its own for a command that reads (info, validate, preview, plans), in autocommit.
     *
     * @throws SQLException as the DataSource throws it
     */
    public Connection connect() throws SQLException {
        Connection connection = SupportedServer.checked(dataSource.getConnection());
        connection.setAutoCommit(true);
        return connection;
    }

    /**
     * Refuses a server that takes no writes before a command that writes waits for the lock.
     *
     * @param action what the command was to do, for the message: "migrate", "undo migrations in"
     */
    public void requireWritable(Connection connection, String action) throws SQLException {
        WritableCheck.require(connection, action);
    }

    /** Whether it is one of a fleet's many, whose routine lines go to DEBUG. */
    public boolean fleetMember() {
        return tenant.isPresent();
    }
}
