package dev.lockstep.core.internal.run;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.MigrationHook;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.VersionsMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The checked settings of one engine, fixed when {@link dev.lockstep.core.LockstepConfiguration#load()}
 * built it: changing the configuration afterwards changes nothing in a run. Where the engine acts is
 * its {@link RunTarget}; the rest is how it acts. Fields are as the configuration documents them;
 * what may be unset is optional.
 */
public record RunSettings(
        RunTarget target,
        List<String> locations,
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

    /**
     * The same settings acting on another target (a fleet's tenant). A tenant's routine lines (the
     * run's first line, "up to date") go to DEBUG, so a fleet of thousands logs a summary, not
     * thousands of lines.
     */
    public RunSettings on(RunTarget other) {
        return new RunSettings(other, locations, lockTimeout, reportInterval, statementTimeout, ddlLockTimeout,
                ddlMaxWait, baselineVersion, connectRetries, connectRetriesInterval, versions, checksum, runnerName,
                classLoader, listeners, hooks);
    }

    /** INFO for a run of its own, DEBUG for one of a fleet's many. */
    public System.Logger.Level routine() {
        return target.fleetMember() ? System.Logger.Level.DEBUG : System.Logger.Level.INFO;
    }
}
