package dev.lockstep.core.internal.run;

import dev.lockstep.core.ExpandedMigration;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.drift.StoredSchema;
import dev.lockstep.core.internal.expand.Contraction;
import dev.lockstep.core.internal.expand.ExpansionTable;
import dev.lockstep.core.internal.expand.ReleaseSessions;
import dev.lockstep.core.internal.lock.HeldLock;
import dev.lockstep.core.internal.tracker.Tracker;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The expand/contract migrations of one target: list them with the sessions of older releases that
 * each one's contract waits for, and contract them, oldest first, under the migration lock (taken
 * without waiting: a runner that holds it may be expanding). A migration is contracted only when no
 * session of a release older than it is connected, unless forced; the first that waits stops the
 * rest, since a later contract builds on the earlier.
 */
public final class ContractCommand {

    private static final System.Logger LOG = System.getLogger(ContractCommand.class.getName());
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);

    private final Engine engine;

    public ContractCommand(Engine engine) {
        this.engine = engine;
    }

    /** Every expand/contract migration of the target, oldest first; empty when there is none. */
    public List<ExpandedMigration> list() {
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().tracker(connection);
            return read(connection, new ExpansionTable(tracker, engine.target().table()));
        } catch (SQLException e) {
            throw failure("read the expand/contract migrations", e);
        }
    }

    /**
     * Contracts each expanded migration, oldest first, while no session of an older release
     * remains (or regardless, when {@code force}).
     *
     * @return the migrations as they are now, oldest first
     * @throws LockstepException when another runner holds the lock, or PostgreSQL refuses a statement
     */
    public List<ExpandedMigration> contract(boolean force) {
        try (Connection connection = engine.target().connect()) {
            Tracker tracker = engine.target().tracker(connection);
            ExpansionTable table = new ExpansionTable(tracker, engine.target().table());
            if (table.expanded(connection).isEmpty()) {
                return read(connection, table);
            }
            engine.target().requireWritable(connection, "contract migrations in");
            long key = engine.target().lockKey(tracker);
            Optional<HeldLock> held = engine.parts().locks().create(key, engine.settings().get(LockstepSettings.LOCK_TIMEOUT),
                    engine.settings().get(LockstepSettings.LOCK_REPORT_INTERVAL), engine.listeners()).tryAcquire(connection);
            if (held.isEmpty()) {
                throw new LockstepException("Another runner holds the migration lock of " + tracker.displayName()
                        + " (key " + key + "): it may be migrating. Contract once it is done.");
            }
            try (HeldLock lock = held.get()) {
                for (Map.Entry<MigrationVersion, List<ExpansionTable.Row>> expanded : byVersion(table.expanded(connection))
                        .entrySet()) {
                    MigrationVersion version = expanded.getKey();
                    Map<MigrationVersion, Integer> older = ReleaseSessions.olderThan(connection, version);
                    if (!older.isEmpty() && !force) {
                        LOG.log(Level.INFO, "Not contracting " + version + ": " + older.values().stream()
                                .mapToInt(Integer::intValue).sum() + " session(s) of older releases " + older.keySet()
                                + " are connected, and they use the shape it changes");
                        break;
                    }
                    // The contract changes the schema outside a run: the snapshot drift compares with follows it.
                    Optional<StoredSchema> stored = engine.settings().get(LockstepSettings.DRIFT_STORE_SNAPSHOT)
                            ? StoredSchema.before(connection, tracker, engine.target().table()) : Optional.empty();
                    contractOne(connection, table, version, expanded.getValue(), lock);
                    stored.ifPresent(schema -> schema.store(connection, tracker, engine.target().table(),
                            engine.runner()));
                    LOG.log(Level.INFO, "Contracted " + version + (older.isEmpty() ? "" : " (forced: " + older.values()
                            .stream().mapToInt(Integer::intValue).sum() + " session(s) of older releases were connected)")
                            + ": " + String.join("; ", describe(connection, expanded.getValue())));
                }
            }
            return read(connection, table);
        } catch (SQLException e) {
            throw failure("contract", e);
        }
    }

    /**
     * One migration's contract: validations in autocommit, then the rest in one transaction with
     * the DDL {@code lock_timeout}, tried again after a pause while it is cancelled for it, within
     * {@code lockstep.ddl.max-wait}: a transaction cancelled by {@code lock_timeout} changed nothing.
     */
    private void contractOne(Connection connection, ExpansionTable table, MigrationVersion version,
            List<ExpansionTable.Row> rows, HeldLock lock) throws SQLException {
        Duration lockTimeout = engine.settings().get(LockstepSettings.DDL_LOCK_TIMEOUT);
        Duration maxWait = engine.settings().get(LockstepSettings.DDL_MAX_WAIT);
        Contraction contraction = new Contraction(table);
        long started = System.nanoTime();
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                setLockTimeout(connection, lockTimeout);
                contraction.validate(connection, rows);
                connection.setAutoCommit(false);
                try {
                    contraction.contract(connection, version, rows);
                    try (Statement fence = connection.createStatement()) {
                        fence.execute(lock.fenceSql());
                    }
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
                return;
            } catch (SQLException e) {
                boolean timedOut = LockTimeoutRetries.isLockNotAvailable(e);
                if (!timedOut || lockTimeout.isZero() || System.nanoTime() - started + pause.toNanos() > maxWait.toNanos()) {
                    throw e;
                }
                LOG.log(Level.INFO, "Contract of " + version + " waited " + lockTimeout.toMillis() + " ms for a table "
                        + "lock and was rolled back; trying again in " + pause.toMillis() + " ms");
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2).compareTo(LockTimeoutRetries.LONGEST_PAUSE) > 0
                        ? LockTimeoutRetries.LONGEST_PAUSE : pause.multipliedBy(2);
            } finally {
                setLockTimeout(connection, Duration.ZERO);
            }
        }
    }

    private static void setLockTimeout(Connection connection, Duration timeout) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET lock_timeout = " + timeout.toMillis());
        }
    }

    private static List<ExpandedMigration> read(Connection connection, ExpansionTable table) throws SQLException {
        List<ExpandedMigration> migrations = new ArrayList<>();
        Map<MigrationVersion, Integer> sessions = null;
        for (Map.Entry<MigrationVersion, List<ExpansionTable.Row>> entry : byVersion(table.read(connection)).entrySet()) {
            List<ExpansionTable.Row> rows = entry.getValue();
            ExpansionTable.Row first = rows.get(0);
            Map<String, Integer> older = new LinkedHashMap<>();
            if (!first.contracted()) {
                sessions = sessions != null ? sessions : ReleaseSessions.byVersion(connection);
                sessions.forEach((version, count) -> {
                    if (version.compareTo(entry.getKey()) < 0) {
                        older.put(version.toString(), count);
                    }
                });
            }
            migrations.add(new ExpandedMigration(entry.getKey().toString(), first.contracted(),
                    describe(connection, rows), first.expandedAt(), first.contractedAt(), older));
        }
        return migrations;
    }

    private static Map<MigrationVersion, List<ExpansionTable.Row>> byVersion(List<ExpansionTable.Row> rows) {
        Map<MigrationVersion, List<ExpansionTable.Row>> byVersion = new TreeMap<>();
        rows.forEach(row -> byVersion.computeIfAbsent(row.migrationVersion(), v -> new ArrayList<>()).add(row));
        return byVersion;
    }

    private static List<String> describe(Connection connection, List<ExpansionTable.Row> rows) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (ExpansionTable.Row row : rows) {
            String table = ExpansionTable.tableName(connection, row.relid());
            lines.add(switch (row.kind()) {
                case RENAME_COLUMN -> "rename column " + table + "." + row.name() + " to " + row.target().orElse("?");
                case DROP_COLUMN -> "drop column " + table + "." + row.name();
                case ADD_COLUMN -> "add column " + table + "." + row.name();
                case SET_NOT_NULL -> "set " + table + "." + row.name() + " not null";
                case ADD_CONSTRAINT -> "add constraint " + row.name() + " to " + table;
                case RENAME_TABLE -> "rename table " + table + " to " + row.target().orElse("?");
                case CHANGE_TYPE -> "change the type of " + table + "." + row.name();
                case ADD_UNIQUE -> "add unique constraint " + row.name() + " to " + table + " " + row.detail().orElse("");
            });
        }
        return lines;
    }

    private LockstepException failure(String what, SQLException e) {
        return new LockstepException("Could not " + what + " in " + engine.target().tenant().map(t -> "tenant " + t)
                .orElse("the database") + ": " + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }
}
