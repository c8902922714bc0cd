package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.MigrationHook;
import dev.lockstep.core.MigrationVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checked settings of one engine, fixed when {@link dev.lockstep.core.LockstepConfiguration#load()}
 * built it: changing the configuration afterwards changes nothing in a run. The engine reads each by
 * its entry in the catalog ({@code settings.get(LockstepSettings.LOCK_TIMEOUT)}), never by position;
 * where it acts is its {@link RunTarget}; what is no text setting (the runner's name, the class
 * loader, listeners and hooks) is kept beside.
 */
public final class RunSettings {

    private final RunTarget target;
    private final Map<LockstepSetting<?>, Object> values;
    private final Optional<String> runnerName;
    private final ClassLoader classLoader;
    private final List<LockstepListener> listeners;
    private final List<MigrationHook> hooks;

    /** @param values every checked value, defaults included; an entry without one is unset */
    public RunSettings(RunTarget target, Map<LockstepSetting<?>, Object> values, Optional<String> runnerName,
            ClassLoader classLoader, List<LockstepListener> listeners, List<MigrationHook> hooks) {
        this.target = target;
        this.values = Map.copyOf(new LinkedHashMap<>(values));
        this.runnerName = runnerName;
        this.classLoader = classLoader;
        this.listeners = List.copyOf(listeners);
        this.hooks = List.copyOf(hooks);
    }

    /** A setting that has a default, or was set. */
    public <T> T get(LockstepSetting<T> setting) {
        return find(setting).orElseThrow(() -> new IllegalStateException(setting.key() + " is not set"));
    }

    /** A setting that may be unset (the server's statement_timeout, the derived lock key, no baseline). */
    public <T> Optional<T> find(LockstepSetting<T> setting) {
        @SuppressWarnings("unchecked") // the configuration keeps each value with its own entry
        T value = (T) values.get(setting);
        return Optional.ofNullable(value);
    }

    /** {@code lockstep.baseline-version} as a version (checked when the configuration loaded). */
    public Optional<MigrationVersion> baselineVersion() {
        return find(dev.lockstep.core.LockstepSettings.BASELINE_VERSION).map(MigrationVersion::parse);
    }

    /** Where the engine acts. */
    public RunTarget target() {
        return target;
    }

    public Optional<String> runnerName() {
        return runnerName;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    public List<LockstepListener> listeners() {
        return listeners;
    }

    public List<MigrationHook> hooks() {
        return hooks;
    }

    /**
     * The same settings acting on another target (a fleet's tenant). A tenant's routine lines (the
     * run's first line, "up to date") go to DEBUG, so a fleet of thousands logs a summary, not
     * thousands of lines.
     */
    public RunSettings on(RunTarget other) {
        return new RunSettings(other, values, runnerName, classLoader, listeners, hooks);
    }

    /** INFO for a run of its own, DEBUG for one of a fleet's many. */
    public System.Logger.Level routine() {
        return target.fleetMember() ? System.Logger.Level.DEBUG : System.Logger.Level.INFO;
    }
}
