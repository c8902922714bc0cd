package dev.lockstep.core;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The checked settings of one engine, fixed when {@link LockstepConfiguration#load()} built it:
 * changing the configuration afterwards changes nothing in a run. Fields are as the configuration
 * documents them; {@code null} means "not set" for {@code schema}, {@code lockKey},
 * {@code statementTimeout}, {@code baselineVersion} and {@code runnerName}.
 */
record LockstepSettings(
        DataSource dataSource,
        List<String> locations,
        String schema,
        String table,
        Long lockKey,
        Duration lockTimeout,
        Duration reportInterval,
        Duration statementTimeout,
        Duration ddlLockTimeout,
        Duration ddlMaxWait,
        MigrationVersion baselineVersion,
        int connectRetries,
        Duration connectRetriesInterval,
        VersionsMode versions,
        ChecksumPolicy checksum,
        String runnerName,
        ClassLoader classLoader,
        List<LockstepListener> listeners,
        List<MigrationHook> hooks) {

    LockstepSettings {
        locations = List.copyOf(locations);
        listeners = List.copyOf(listeners);
        hooks = List.copyOf(hooks);
    }
}
