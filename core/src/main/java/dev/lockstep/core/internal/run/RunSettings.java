package dev.lockstep.core.internal.run;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationHook;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.VersionsMode;
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
        List<MigrationHook> hooks) {

    public RunSettings {
        locations = List.copyOf(locations);
        listeners = List.copyOf(listeners);
        hooks = List.copyOf(hooks);
    }
}
