package dev.lockstep.core.internal.run;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationHook;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.files.Placeholders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The checked settings of one engine, fixed when {@link dev.lockstep.core.LockstepConfiguration#load()}
 * built it: changing the configuration afterwards changes nothing in a run. Fields are as the
 * configuration documents them; what may be unset is optional.
 */
public record RunSettings(
        DataSource dataSource,
        List<String> locations,
        Optional<String> schema,
        String table,
        Optional<Long> lockKey,
        Duration lockTimeout,
        Duration reportInterval,
        Optional<Duration> statementTimeout,
        Duration ddlLockTimeout,
        Duration ddlMaxWait,
        Optional<MigrationVersion> baselineVersion,
        int connectRetries,
        Duration connectRetriesInterval,
        VersionsMode versions,
        ChecksumPolicy checksum,
        Optional<String> runnerName,
        ClassLoader classLoader,
        List<LockstepListener> listeners,
        List<MigrationHook> hooks,
        Placeholders placeholders,
        Optional<String> searchPath,
        boolean fleetMember) {

    public RunSettings {
        locations = List.copyOf(locations);
        listeners = List.copyOf(listeners);
        hooks = List.copyOf(hooks);
    }

    /**
     * One tenant's settings, from a fleet's: its database, tracker schema, the session's
     * {@code search_path} and its placeholder values. Its routine lines (the run's first line, "up
     * to date") go to DEBUG, so a fleet of thousands logs a summary, not thousands of lines.
     */
    public RunSettings forTenant(DataSource tenantDataSource, Optional<String> tenantSchema,
            Optional<String> tenantSearchPath, Placeholders tenantPlaceholders) {
        return new RunSettings(tenantDataSource, locations, tenantSchema, table, lockKey, lockTimeout, reportInterval,
                statementTimeout, ddlLockTimeout, ddlMaxWait, baselineVersion, connectRetries, connectRetriesInterval,
                versions, checksum, runnerName, classLoader, listeners, hooks, tenantPlaceholders, tenantSearchPath, true);
    }

    /** INFO for a run of its own, DEBUG for one of a fleet's many. */
    public System.Logger.Level routine() {
        return fleetMember ? System.Logger.Level.DEBUG : System.Logger.Level.INFO;
    }
}
