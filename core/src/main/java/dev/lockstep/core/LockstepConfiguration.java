package dev.lockstep.core;

import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.files.Placeholders;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.run.RunSettings;
import dev.lockstep.core.internal.run.RunTarget;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Fluent settings for a {@link Lockstep}; {@link #load()} checks them and builds it. Setting names
 * in errors are the Spring Boot property keys ({@code lockstep.table}, ...), so one message serves
 * both plain Java and Boot users.
 */
public final class LockstepConfiguration {

    private static final System.Logger LOG = System.getLogger(LockstepConfiguration.class.getName());

    private DataSource dataSource;
    private List<String> locations = LockstepSettings.LOCATIONS.defaultValue().orElseThrow();
    private String schema;
    private String table = LockstepSettings.TABLE.defaultValue().orElseThrow();
    private Long lockKey;
    private Duration lockTimeout = LockstepSettings.LOCK_TIMEOUT.defaultValue().orElseThrow();
    private Duration reportInterval = LockstepSettings.LOCK_REPORT_INTERVAL.defaultValue().orElseThrow();
    private Duration statementTimeout;
    private Duration ddlLockTimeout = LockstepSettings.DDL_LOCK_TIMEOUT.defaultValue().orElseThrow();
    private Duration ddlMaxWait = LockstepSettings.DDL_MAX_WAIT.defaultValue().orElseThrow();
    private String baselineVersion;
    private int connectRetries = LockstepSettings.CONNECT_RETRIES.defaultValue().orElseThrow();
    private Duration connectRetriesInterval = LockstepSettings.CONNECT_RETRIES_INTERVAL.defaultValue().orElseThrow();
    private VersionsMode versions = LockstepSettings.VERSIONS.defaultValue().orElseThrow();
    private ChecksumPolicy checksum = LockstepSettings.CHECKSUM.defaultValue().orElseThrow();
    private String runnerName;
    private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    private final List<LockstepListener> listeners = new ArrayList<>();
    private final List<MigrationHook> hooks = new ArrayList<>();
    private Map<String, String> placeholders = Map.of();

    LockstepConfiguration() {
    }

    /** The database to migrate. Lockstep borrows one connection per run and returns it as it came. */
    public LockstepConfiguration dataSource(DataSource dataSource) {
        this.dataSource = dataSource;
        return this;
    }

    /** Where the files are: {@code classpath:db/migrations} (the default) or {@code filesystem:/path}. */
    public LockstepConfiguration locations(String... locations) {
        return locations(List.of(locations));
    }

    public LockstepConfiguration locations(List<String> locations) {
        this.locations = List.copyOf(locations);
        return this;
    }

    /** The tracker's schema, created if missing; by default the connection's current schema. */
    public LockstepConfiguration schema(String schema) {
        this.schema = schema;
        return this;
    }

    /** The tracker table's name. */
    public LockstepConfiguration table(String table) {
        this.table = table;
        return this;
    }

    /** The advisory lock key; by default derived from the qualified tracker table name. */
    public LockstepConfiguration lockKey(Long lockKey) {
        this.lockKey = lockKey;
        return this;
    }

    /** How long to wait for another runner's lock before failing (default 10 minutes). */
    public LockstepConfiguration lockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
        return this;
    }

    /** How often to log and publish who holds the lock while waiting (default 10 seconds). */
    public LockstepConfiguration reportInterval(Duration reportInterval) {
        this.reportInterval = reportInterval;
        return this;
    }

    /** {@code statement_timeout} for each migration statement; {@code null} leaves the server's. */
    public LockstepConfiguration statementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
        return this;
    }

    /**
     * {@code lock_timeout} for migration statements (default 1 second; zero turns the protection
     * off). When a statement waits longer for a lock, PostgreSQL cancels it, the migration's
     * transaction is rolled back and tried again after a pause, so the table's own queries never
     * queue behind a waiting {@code ALTER} for longer than this. {@code CONCURRENTLY} statements,
     * {@code VACUUM} and {@code ANALYZE}, whose waits hold up no query, run without it.
     */
    public LockstepConfiguration ddlLockTimeout(Duration ddlLockTimeout) {
        this.ddlLockTimeout = ddlLockTimeout;
        return this;
    }

    /** How long a migration keeps trying to get its locks before the run fails (default 10 minutes). */
    public LockstepConfiguration ddlMaxWait(Duration ddlMaxWait) {
        this.ddlMaxWait = ddlMaxWait;
        return this;
    }

    /**
     * Adopts a database whose schema exists but that has no tracker: the files up to this version
     * are recorded as applied without running them, the later ones run. Refused when the tracker
     * already records migrations. {@code null} (the default): no baseline. A whole number or a
     * dotted version ({@code 1.5}).
     */
    public LockstepConfiguration baselineVersion(String baselineVersion) {
        this.baselineVersion = baselineVersion;
        return this;
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
        this.connectRetries = connectRetries;
        return this;
    }

    /** The longest pause between two connect tries (default 120 seconds). */
    public LockstepConfiguration connectRetriesInterval(Duration connectRetriesInterval) {
        this.connectRetriesInterval = connectRetriesInterval;
        return this;
    }

    public LockstepConfiguration versions(VersionsMode versions) {
        this.versions = versions;
        return this;
    }

    public LockstepConfiguration checksum(ChecksumPolicy checksum) {
        this.checksum = checksum;
        return this;
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
     * {@code shared}, {@code classpath:a,filesystem:/b}): for tools that read settings as text.
     *
     * @throws LockstepConfigurationException naming an unknown key, or a value that cannot be read
     */
    public LockstepConfiguration settings(Map<String, String> settings) {
        settings.forEach((key, value) -> LockstepSettings.byKey(key)
                .orElseThrow(() -> new LockstepConfigurationException(key, "is no Lockstep setting; the settings are "
                        + LockstepSettings.keys()))
                .applyText(this, value));
        return this;
    }

    /**
     * Values for {@code ${name}} in the migration files, put in before a file is analysed and run
     * (its checksum stays that of the file as written). With none set (the default) nothing is
     * replaced; with some set, a {@code ${name}} without a value is an error naming the file and line.
     */
    public LockstepConfiguration placeholders(Map<String, String> placeholders) {
        this.placeholders = Map.copyOf(placeholders);
        return this;
    }

    public LockstepConfiguration listener(LockstepListener listener) {
        this.listeners.add(listener);
        return this;
    }

    public LockstepConfiguration hook(MigrationHook hook) {
        this.hooks.add(hook);
        return this;
    }

    /**
     * Checks every setting, including that each location exists, and builds the engine. Opens no
     * connection and reads no migration file.
     *
     * @throws LockstepConfigurationException naming the first bad setting
     */
    public Lockstep load() {
        return new Lockstep(check(), EngineParts.STANDARD);
    }

    /**
     * The checked settings {@link #load()} builds the engine from.
     *
     * @throws LockstepConfigurationException naming the first bad setting
     */
    RunSettings check() {
        if (dataSource == null) {
            throw new LockstepConfigurationException("dataSource", "no DataSource is set; pass the database to migrate");
        }
        if (locations.isEmpty()) {
            throw new LockstepConfigurationException(MigrationScanner.SETTING, "no location is set; use "
                    + LockstepSettings.LOCATIONS.defaultText().orElseThrow() + " or filesystem:/path/to/migrations");
        }
        locations.forEach(MigrationScanner::validate);
        locations.stream().filter(MigrationScanner::hasNoPrefix).forEach(location -> LOG.log(Level.INFO,
                "lockstep.locations: '" + location + "' has no prefix and is read as classpath:" + location
                        + "; write filesystem:" + location + " for a folder on disk"));
        ClassLoader loader = classLoader != null ? classLoader : Lockstep.class.getClassLoader();
        MigrationScanner scanner = new MigrationScanner(loader);
        locations.forEach(scanner::requireExists);
        if (schema != null) {
            Identifiers.validate("lockstep.schema", schema);
        }
        Identifiers.validate("lockstep.table", table);
        requireNonNegative("lockstep.lock.timeout", lockTimeout);
        if (reportInterval == null || reportInterval.isNegative() || reportInterval.isZero()) {
            throw new LockstepConfigurationException("lockstep.lock.report-interval", "'" + reportInterval
                    + "' must be longer than zero, e.g. 10s: it is how often a waiting runner says who holds the lock");
        }
        if (statementTimeout != null) {
            requireNonNegative("lockstep.statement-timeout", statementTimeout);
        }
        requireNonNegative("lockstep.ddl.lock-timeout", ddlLockTimeout);
        requireNonNegative("lockstep.ddl.max-wait", ddlMaxWait);
        if (!ddlLockTimeout.isZero() && ddlMaxWait.compareTo(ddlLockTimeout) < 0) {
            throw new LockstepConfigurationException("lockstep.ddl.max-wait", "'" + ddlMaxWait + "' is shorter than "
                    + "lockstep.ddl.lock-timeout ('" + ddlLockTimeout + "'), so no migration could wait even once; "
                    + "give it minutes, e.g. 10m");
        }
        Optional<MigrationVersion> baseline = Optional.empty();
        if (baselineVersion != null) {
            try {
                baseline = Optional.of(MigrationVersion.parse(baselineVersion));
            } catch (IllegalArgumentException e) {
                throw new LockstepConfigurationException("lockstep.baseline-version", "'" + baselineVersion + "' is no "
                        + "migration version (" + e.getMessage() + "); give the version of the last migration the "
                        + "schema already has, e.g. 42 or 1.5");
            }
        }
        if (connectRetries < 0) {
            throw new LockstepConfigurationException("lockstep.connect-retries", "'" + connectRetries
                    + "' must be zero (fail at once) or more");
        }
        requireNonNegative("lockstep.connect-retries-interval", connectRetriesInterval);
        if (versions == null) {
            throw new LockstepConfigurationException("lockstep.versions", "is not set; use unique or shared");
        }
        if (checksum == null) {
            throw new LockstepConfigurationException("lockstep.checksum", "is not set; use fail, warn or ignore");
        }
        RunTarget target = RunTarget.of(dataSource, Optional.ofNullable(schema), table, Optional.ofNullable(lockKey),
                Placeholders.of(placeholders));
        return new RunSettings(target, locations, lockTimeout, reportInterval, Optional.ofNullable(statementTimeout),
                ddlLockTimeout, ddlMaxWait, baseline, connectRetries, connectRetriesInterval, versions, checksum,
                Optional.ofNullable(runnerName), loader, listeners, hooks);
    }

    private static void requireNonNegative(String setting, Duration value) {
        if (value == null || value.isNegative()) {
            throw new LockstepConfigurationException(setting, "'" + value + "' must be zero or longer, e.g. 10s or 5m");
        }
    }
}
