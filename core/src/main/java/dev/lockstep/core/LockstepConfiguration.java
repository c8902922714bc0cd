package dev.lockstep.core;

import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.files.Placeholders;
import dev.lockstep.core.internal.fleet.DriverDataSource;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.run.RunSettings;
import dev.lockstep.core.internal.run.RunTarget;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Fluent settings for a {@link Lockstep} (and, through {@link LockstepFleet#configure}, a fleet): a
 * thin front over the catalog, {@link LockstepSettings}. Each method sets one entry; {@link
 * #settings(Map)} sets any entry by its key, as text; {@link #load()} checks every value against its
 * entry and builds the engine. Setting names in errors are the Spring Boot property keys
 * ({@code lockstep.table}, ...), so one message serves plain Java, Boot, the command line and Maven.
 */
public final class LockstepConfiguration {

    private static final System.Logger LOG = System.getLogger(LockstepConfiguration.class.getName());

    /** What was set, by entry; an entry not here has its default. */
    private final Map<LockstepSetting<?>, Object> values = new LinkedHashMap<>();
    private DataSource dataSource;
    private String runnerName;
    private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    private final List<LockstepListener> listeners = new ArrayList<>();
    private final List<MigrationHook> hooks = new ArrayList<>();

    LockstepConfiguration() {
    }

    /**
     * Sets one entry of the catalog; {@code null} puts its default back.
     *
     * @return this configuration
     */
    public <T> LockstepConfiguration set(LockstepSetting<T> setting, T value) {
        if (value == null) {
            values.remove(setting);
        } else {
            values.put(setting, value);
        }
        return this;
    }

    /** The value set for an entry, without its default. */
    <T> Optional<T> value(LockstepSetting<T> setting) {
        @SuppressWarnings("unchecked") // set(...) keeps each value with its own entry
        T value = (T) values.get(setting);
        return Optional.ofNullable(value);
    }

    /**
     * The database to migrate. Lockstep borrows one connection per run and returns it as it came.
     * Without one, {@link LockstepSettings#URL} (with user and password) opens connections of its own.
     */
    public LockstepConfiguration dataSource(DataSource dataSource) {
        this.dataSource = dataSource;
        return this;
    }

    /** Where the files are: {@code classpath:db/migrations} (the default) or {@code filesystem:/path}. */
    public LockstepConfiguration locations(String... locations) {
        return locations(List.of(locations));
    }

    public LockstepConfiguration locations(List<String> locations) {
        return set(LockstepSettings.LOCATIONS, List.copyOf(locations));
    }

    /** The tracker's schema, created if missing; by default the connection's current schema. */
    public LockstepConfiguration schema(String schema) {
        return set(LockstepSettings.SCHEMA, schema);
    }

    /** The tracker table's name. */
    public LockstepConfiguration table(String table) {
        return set(LockstepSettings.TABLE, table);
    }

    /** The advisory lock key; by default derived from the qualified tracker table name. */
    public LockstepConfiguration lockKey(Long lockKey) {
        return set(LockstepSettings.LOCK_KEY, lockKey);
    }

    /** How long to wait for another runner's lock before failing (default 10 minutes). */
    public LockstepConfiguration lockTimeout(Duration lockTimeout) {
        return set(LockstepSettings.LOCK_TIMEOUT, lockTimeout);
    }

    /** How often to log and publish who holds the lock while waiting (default 10 seconds). */
    public LockstepConfiguration reportInterval(Duration reportInterval) {
        return set(LockstepSettings.LOCK_REPORT_INTERVAL, reportInterval);
    }

    /** {@code statement_timeout} for each migration statement; {@code null} leaves the server's. */
    public LockstepConfiguration statementTimeout(Duration statementTimeout) {
        return set(LockstepSettings.STATEMENT_TIMEOUT, statementTimeout);
    }

    /**
     * {@code lock_timeout} for migration statements (default 1 second; zero turns the protection
     * off). When a statement waits longer for a lock, PostgreSQL cancels it, the migration's
     * transaction is rolled back and tried again after a pause, so the table's own queries never
     * queue behind a waiting {@code ALTER} for longer than this. {@code CONCURRENTLY} statements,
     * plain {@code VACUUM} and {@code ANALYZE}, whose waits hold up no query, run without it.
     */
    public LockstepConfiguration ddlLockTimeout(Duration ddlLockTimeout) {
        return set(LockstepSettings.DDL_LOCK_TIMEOUT, ddlLockTimeout);
    }

    /** How long a migration keeps trying to get its locks before the run fails (default 10 minutes). */
    public LockstepConfiguration ddlMaxWait(Duration ddlMaxWait) {
        return set(LockstepSettings.DDL_MAX_WAIT, ddlMaxWait);
    }

    /**
     * Adopts a database whose schema exists but that has no tracker: the files up to this version
     * are recorded as applied without running them, the later ones run. Refused when the tracker
     * already records migrations. {@code null} (the default): no baseline. A whole number or a
     * dotted version ({@code 1.5}).
     */
    public LockstepConfiguration baselineVersion(String baselineVersion) {
        return set(LockstepSettings.BASELINE_VERSION, baselineVersion);
    }

    /** A whole-number {@link #baselineVersion(String)}. */
    public LockstepConfiguration baselineVersion(long baselineVersion) {
        return baselineVersion(Long.toString(baselineVersion));
    }

    /**
     * How many more times to try connecting when the database does not answer at the start (default 0:
     * fail at once). Tries are one second apart at first, twice as long each time.
     */
    public LockstepConfiguration connectRetries(int connectRetries) {
        return set(LockstepSettings.CONNECT_RETRIES, connectRetries);
    }

    /** The longest pause between two connect tries (default 120 seconds). */
    public LockstepConfiguration connectRetriesInterval(Duration connectRetriesInterval) {
        return set(LockstepSettings.CONNECT_RETRIES_INTERVAL, connectRetriesInterval);
    }

    public LockstepConfiguration versions(VersionsMode versions) {
        return set(LockstepSettings.VERSIONS, versions);
    }

    public LockstepConfiguration checksum(ChecksumPolicy checksum) {
        return set(LockstepSettings.CHECKSUM, checksum);
    }

    /**
     * A name for this runner, e.g. the service's name. It goes into the pinned session's
     * {@code application_name} and the tracker's {@code applied_by}, with the host name.
     */
    public LockstepConfiguration runnerName(String runnerName) {
        this.runnerName = runnerName;
        return this;
    }

    /** The class loader for {@code classpath:} locations (default: the thread's context loader). */
    public LockstepConfiguration classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
        return this;
    }

    /**
     * Settings by their keys ({@code lockstep.lock.timeout} or {@code lock.timeout}, see
     * {@link LockstepSettings}), with values written as in a properties file ({@code 10s},
     * {@code shared}, {@code classpath:a,filesystem:/b}): for tools that read settings as text. A
     * placeholder's value is {@code placeholders.<name>}; fleet settings ({@code tenants.list}, ...)
     * are read by {@link LockstepFleet#configure}.
     *
     * @throws LockstepConfigurationException naming an unknown key, or a value that cannot be read
     */
    public LockstepConfiguration settings(Map<String, String> settings) {
        settings.forEach((key, text) -> {
            String name = key.startsWith(LockstepSetting.PREFIX) ? key.substring(LockstepSetting.PREFIX.length()) : key;
            LockstepSetting<?> setting = LockstepSettings.byKey(key).orElseThrow(() -> new LockstepConfigurationException(
                    key, "is no Lockstep setting" + LockstepSettings.nearestName(name).map(near -> " (did you mean "
                            + key.substring(0, key.length() - name.length()) + near + "?)").orElse("")
                            + "; the settings are " + LockstepSettings.keys()));
            if (setting == LockstepSettings.PLACEHOLDERS && name.startsWith(setting.name() + ".")) {
                Map<String, String> placeholders = new LinkedHashMap<>(value(LockstepSettings.PLACEHOLDERS)
                        .orElse(Map.of()));
                placeholders.put(name.substring(setting.name().length() + 1), text);
                placeholders(placeholders);
            } else {
                setting.applyText(this, text);
            }
        });
        return this;
    }

    /**
     * Values for {@code ${name}} in the migration files, put in before a file is analysed and run
     * (its checksum stays that of the file as written). With none set (the default) nothing is
     * replaced; with some set, a {@code ${name}} without a value is an error naming the file and line.
     */
    public LockstepConfiguration placeholders(Map<String, String> placeholders) {
        return set(LockstepSettings.PLACEHOLDERS, Map.copyOf(placeholders));
    }

    public LockstepConfiguration listener(LockstepListener listener) {
        this.listeners.add(listener);
        return this;
    }

    public LockstepConfiguration hook(MigrationHook hook) {
        this.hooks.add(hook);
        return this;
    }

    /** Whether tenants are set ({@code tenants.list} or {@code tenants.query}): a fleet, not a single engine. */
    public boolean hasTenants() {
        return value(LockstepSettings.TENANTS_LIST).isPresent() || value(LockstepSettings.TENANTS_QUERY).isPresent();
    }

    /**
     * Checks every setting, including that each location exists, and builds the engine. Opens no
     * connection and reads no migration file.
     *
     * @throws LockstepConfigurationException naming the first bad setting
     */
    public Lockstep load() {
        List<String> forTenants = LockstepSettings.of(LockstepSetting.Group.FLEET).stream()
                .filter(setting -> values.containsKey(setting)).map(LockstepSetting::key).toList();
        if (!forTenants.isEmpty()) {
            throw new LockstepConfigurationException(forTenants.get(0), "is for tenants, and this is one engine"
                    + (hasTenants() ? ": build a fleet with LockstepFleet.configure(configuration)"
                            : " with no tenants named; set lockstep.tenants.list or lockstep.tenants.query, or remove "
                                    + String.join(", ", forTenants)));
        }
        return new Lockstep(check(), EngineParts.STANDARD);
    }

    /**
     * The checked settings {@link #load()} builds the engine from: each value checked against its
     * entry, then what depends on two at once.
     *
     * @throws LockstepConfigurationException naming the first bad setting
     */
    RunSettings check() {
        Map<LockstepSetting<?>, Object> checked = new LinkedHashMap<>();
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            checkInto(setting, checked);
        }
        RunSettings settings = new RunSettings(target(checked), checked, Optional.ofNullable(runnerName),
                classLoader != null ? classLoader : Lockstep.class.getClassLoader(), listeners, hooks);
        List<String> locations = settings.get(LockstepSettings.LOCATIONS);
        locations.stream().filter(MigrationScanner::hasNoPrefix).forEach(location -> LOG.log(Level.INFO,
                "lockstep.locations: '" + location + "' has no prefix and is read as classpath:" + location
                        + "; write filesystem:" + location + " for a folder on disk"));
        MigrationScanner scanner = new MigrationScanner(settings.classLoader());
        locations.forEach(scanner::requireExists);
        Duration lockTimeout = settings.get(LockstepSettings.DDL_LOCK_TIMEOUT);
        Duration maxWait = settings.get(LockstepSettings.DDL_MAX_WAIT);
        if (!lockTimeout.isZero() && maxWait.compareTo(lockTimeout) < 0) {
            throw new LockstepConfigurationException(LockstepSettings.DDL_MAX_WAIT.key(), "'" + maxWait + "' is shorter "
                    + "than lockstep.ddl.lock-timeout ('" + lockTimeout + "'), so no migration could wait even once; "
                    + "give it minutes, e.g. 10m");
        }
        return settings;
    }

    private <T> void checkInto(LockstepSetting<T> setting, Map<LockstepSetting<?>, Object> checked) {
        Optional<T> value = value(setting).or(setting::defaultValue);
        value.ifPresent(v -> checked.put(setting, setting.checked(v)));
    }

    /** The database the engine acts on: the DataSource, else one of its own from {@code lockstep.url}. */
    private RunTarget target(Map<LockstepSetting<?>, Object> checked) {
        DataSource database = dataSource;
        String url = (String) checked.get(LockstepSettings.URL);
        if (database == null && url == null) {
            throw new LockstepConfigurationException("dataSource", "no DataSource is set; pass the database to "
                    + "migrate, or set lockstep.url (with lockstep.user and lockstep.password)");
        }
        if (database == null) {
            database = new DriverDataSource(url, (String) checked.get(LockstepSettings.USER),
                    (String) checked.get(LockstepSettings.PASSWORD));
        }
        @SuppressWarnings("unchecked") // the catalog's type for placeholders
        Map<String, String> placeholders = (Map<String, String>) checked.getOrDefault(LockstepSettings.PLACEHOLDERS,
                Map.of());
        return RunTarget.of(database, Optional.ofNullable((String) checked.get(LockstepSettings.SCHEMA)),
                (String) checked.get(LockstepSettings.TABLE), Optional.ofNullable((Long) checked.get(
                        LockstepSettings.LOCK_KEY)), Placeholders.of(placeholders));
    }
}
