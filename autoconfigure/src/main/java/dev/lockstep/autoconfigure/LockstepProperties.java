package dev.lockstep.autoconfigure;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.DriftComparison;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.VersionsMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Lockstep's settings, bound under {@code lockstep}: the engine's (listed once, with their keys,
 * types and defaults, in {@link dev.lockstep.core.LockstepSettings}) and Spring Boot's own (when
 * to run, which DataSource, what to do on failure). Defaults are written out as literals so the
 * configuration processor can put them in the IDE metadata; a test holds keys, types and defaults
 * to the catalog's.
 */
@ConfigurationProperties("lockstep")
public class LockstepProperties {

    /**
     * Whether to apply migrations when the application starts.
     */
    private boolean enabled = true;

    /**
     * Folders holding the migration files, scanned recursively: 'classpath:' or 'filesystem:' locations.
     */
    private List<String> locations = new ArrayList<>(List.of("classpath:db/migrations"));

    /**
     * Schema of the tracker table, created if missing, and first on the session's search_path while the
     * files' SQL runs (as Flyway's defaultSchema), so unqualified names resolve and land there.
     * Defaults to the connection's current schema, search_path unchanged.
     */
    private String schema;

    /**
     * Name of the tracker table.
     */
    private String table = "lockstep_applied_migrations";

    /**
     * Whether several files may share a version: 'unique' makes a second file with one version an error, 'shared'
     * identifies migrations by version and name.
     */
    private VersionsMode versions = VersionsMode.UNIQUE;

    /**
     * What to do when an applied migration's file has changed since: 'fail', 'warn' or 'ignore'.
     */
    private ChecksumPolicy checksum = ChecksumPolicy.FAIL;

    /**
     * Maximum time for each migration statement (the session's statement_timeout). Unset leaves the server's.
     */
    private Duration statementTimeout;

    /**
     * How many more times to try connecting when the database does not answer at startup (0: fail at once).
     * Tries are one second apart at first and twice as long each time, up to connect-retries-interval.
     */
    private int connectRetries;

    /**
     * Longest pause between two connect tries.
     */
    private Duration connectRetriesInterval = Duration.ofSeconds(120);

    /**
     * Whether a failed run fails startup. When false the application starts and the 'lockstep' health is DOWN.
     */
    private boolean failOnError = true;

    /**
     * Whether a lockstep.* key that is no property (a typo such as lockstep.lock.timout) fails startup, naming the
     * key and the nearest known one. False: a warning only. Environment variables are not checked.
     */
    private boolean failOnUnknownProperties = true;

    /**
     * When migrations run: 'context-refresh' while the context starts, before any bean that uses the database (as
     * Flyway does); 'application-runner' after it has started, with the web server and liveness up and application
     * requests answered 503 until done.
     */
    private RunAt runAt = RunAt.CONTEXT_REFRESH;

    /**
     * JDBC URL of the database to migrate through a connection of Lockstep's own (unpooled, closed after the run).
     * Unset uses the application's DataSource.
     */
    private String url;

    /**
     * Login user for Lockstep's own connection, e.g. the schema owner. Setting it alone reuses the application's URL.
     */
    private String user;

    /**
     * Login password for Lockstep's own connection.
     */
    private String password;

    /**
     * What the startup run does: 'migrate' applies what is pending; 'validate' checks the files against the tracker
     * and fails startup on pending, edited or interrupted migrations, writing nothing (read-only replicas, CI gates);
     * 'preview' logs what would run, with its statements and lint findings, and applies nothing.
     */
    private Mode mode = Mode.MIGRATE;

    /**
     * Adopts a database whose schema exists but has no tracker: the files up to this version are recorded as applied
     * without running them, the later ones run. Refused when the tracker already records migrations. A whole number
     * or a dotted version (1.5).
     */
    private String baselineVersion;

    /**
     * Whether the process exits once the application has started and the startup run has ended: status 0 when it
     * completed, 1 when it failed. For running the application's own image as a Kubernetes Job or init container;
     * pair it with spring.main.web-application-type=none.
     */
    private boolean exitAfterRun;

    /**
     * Whether Flyway or Liquibase may migrate the same database as Lockstep. By default startup fails when their
     * auto-configured migration points at it, as both tools would apply their files.
     */
    private boolean allowOtherMigrationTools;

    private final Lock lock = new Lock();

    private final Ddl ddl = new Ddl();

    /**
     * Values for ${name} in migration files. With none set, nothing in a file is replaced.
     */
    private Map<String, String> placeholders = new LinkedHashMap<>();

    /**
     * Named migration sets, run in the order written; with any set, they replace the single run of lockstep.*.
     */
    private Map<String, TargetProperties> targets = new LinkedHashMap<>();

    @NestedConfigurationProperty
    private final FleetProperties fleet = new FleetProperties();

    private final Undo undo = new Undo();

    private final Drift drift = new Drift();

    private final Jobs jobs = new Jobs();

    /** What the startup run does. */
    public enum Mode {
        /** Apply what is pending. */
        MIGRATE,
        /** Check the files against the tracker; fail on anything pending, edited or interrupted; write nothing. */
        VALIDATE,
        /** Log what would run; apply nothing. */
        PREVIEW,
        /**
         * Undo applied migrations (lockstep.undo.to or lockstep.undo.last), for a one-off job with exit-after-run;
         * never a service's normal start.
         */
        UNDO
    }

    /** When the startup run happens. */
    public enum RunAt {
        /** While the application context starts, before any bean that depends on database initialization. */
        CONTEXT_REFRESH,
        /** In an ApplicationRunner, with the web server and liveness up meanwhile. */
        APPLICATION_RUNNER;

        /** {@code lockstep.run-at} as the properties bind it (any spelling Boot accepts), before they are bound. */
        static RunAt configuredIn(Environment environment) {
            return Binder.get(environment).bind("lockstep.run-at", RunAt.class).orElse(CONTEXT_REFRESH);
        }
    }

    public boolean isAllowOtherMigrationTools() {
        return allowOtherMigrationTools;
    }

    public void setAllowOtherMigrationTools(boolean allowOtherMigrationTools) {
        this.allowOtherMigrationTools = allowOtherMigrationTools;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getLocations() {
        return locations;
    }

    public void setLocations(List<String> locations) {
        this.locations = locations;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public VersionsMode getVersions() {
        return versions;
    }

    public void setVersions(VersionsMode versions) {
        this.versions = versions;
    }

    public ChecksumPolicy getChecksum() {
        return checksum;
    }

    public void setChecksum(ChecksumPolicy checksum) {
        this.checksum = checksum;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public int getConnectRetries() {
        return connectRetries;
    }

    public void setConnectRetries(int connectRetries) {
        this.connectRetries = connectRetries;
    }

    public Duration getConnectRetriesInterval() {
        return connectRetriesInterval;
    }

    public void setConnectRetriesInterval(Duration connectRetriesInterval) {
        this.connectRetriesInterval = connectRetriesInterval;
    }

    public boolean isFailOnUnknownProperties() {
        return failOnUnknownProperties;
    }

    public void setFailOnUnknownProperties(boolean failOnUnknownProperties) {
        this.failOnUnknownProperties = failOnUnknownProperties;
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    public RunAt getRunAt() {
        return runAt;
    }

    public void setRunAt(RunAt runAt) {
        this.runAt = runAt;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public String getBaselineVersion() {
        return baselineVersion;
    }

    public void setBaselineVersion(String baselineVersion) {
        this.baselineVersion = baselineVersion;
    }

    public boolean isExitAfterRun() {
        return exitAfterRun;
    }

    public void setExitAfterRun(boolean exitAfterRun) {
        this.exitAfterRun = exitAfterRun;
    }

    public Lock getLock() {
        return lock;
    }

    public Map<String, String> getPlaceholders() {
        return placeholders;
    }

    public void setPlaceholders(Map<String, String> placeholders) {
        this.placeholders = placeholders;
    }

    public Map<String, TargetProperties> getTargets() {
        return targets;
    }

    public void setTargets(Map<String, TargetProperties> targets) {
        this.targets = targets;
    }

    public FleetProperties getFleet() {
        return fleet;
    }

    public Undo getUndo() {
        return undo;
    }

    /**
     * What lockstep.mode=undo undoes: set one of the two.
     */
    public static class Undo {

        /**
         * Undo every applied migration above this version (0: every one).
         */
        private String to;

        /**
         * Undo the N applied migrations with the highest versions.
         */
        private Integer last;

        public String getTo() {
            return to;
        }

        public void setTo(String to) {
            this.to = to;
        }

        /**
         * With lockstep.targets: the targets to undo in, by name; empty: every target.
         */
        private List<String> targets = new ArrayList<>();

        /**
         * With lockstep.targets: the tenants of the fleets to undo in; empty: every tenant.
         */
        private List<String> tenants = new ArrayList<>();

        public Integer getLast() {
            return last;
        }

        public void setLast(Integer last) {
            this.last = last;
        }

        public List<String> getTargets() {
            return targets;
        }

        public void setTargets(List<String> targets) {
            this.targets = targets;
        }

        public List<String> getTenants() {
            return tenants;
        }

        public void setTenants(List<String> tenants) {
            this.tenants = tenants;
        }
    }

    public Jobs getJobs() {
        return jobs;
    }

    private final Expand expand = new Expand();

    public Expand getExpand() {
        return expand;
    }

    /**
     * Expand/contract migrations ('-- lockstep:expand-contract'): each release pinned to its shape, and the contract
     * once no session of an older release remains.
     */
    public static class Expand {

        /**
         * Whether the application's connections (its one HikariDataSource) get its version schema first on search_path
         * and the version in application_name, so that it sees its own shape while an older or newer release runs
         * beside it. Needs a pool that keeps sessions: a pooler in transaction mode is refused.
         */
        private boolean pinConnections = true;

        /**
         * When expanded migrations are contracted: after-start (once the application is ready, a background thread
         * contracts each when no session of an older release has been seen for expand.contract-after), or manual
         * (lockstep-cli contract, or Lockstep.contract()).
         */
        private Contract contract = Contract.AFTER_START;

        /**
         * How long no session of an older release must have been seen (and the expand be this old) before the
         * background contract drops the old shape.
         */
        private Duration contractAfter = Duration.ofMinutes(5);

        /**
         * How often the background contract looks at the sessions of older releases.
         */
        private Duration pollInterval = Duration.ofSeconds(30);

        public boolean isPinConnections() {
            return pinConnections;
        }

        public void setPinConnections(boolean pinConnections) {
            this.pinConnections = pinConnections;
        }

        public Contract getContract() {
            return contract;
        }

        public void setContract(Contract contract) {
            this.contract = contract;
        }

        public Duration getContractAfter() {
            return contractAfter;
        }

        public void setContractAfter(Duration contractAfter) {
            this.contractAfter = contractAfter;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /** When expanded migrations are contracted. */
        public enum Contract {
            /** Once the application is ready, by a background thread, when no older release's session remains. */
            AFTER_START,
            /** Only when an operator contracts (lockstep-cli contract, Lockstep.contract()). */
            MANUAL
        }
    }

    /**
     * Batched migrations ('-- lockstep:batched'): their jobs run after the start, in batches.
     */
    public static class Jobs {

        /**
         * When the application runs the jobs of batched migrations: after-start (once the application is ready, on a
         * background thread, one replica at a time per job; another replica takes a job over when its worker dies),
         * or off (lockstep-cli run-jobs, or Lockstep.runJobs(), runs them).
         */
        private Run run = Run.AFTER_START;

        /**
         * How often the worker looks for jobs to run: new ones, and ones whose worker (another replica) is gone.
         */
        private Duration pollInterval = Duration.ofSeconds(30);

        /**
         * Rows in a batched migration's first batch, kept small so that a writer on the same rows never waits long for a first batch of slow rows; the tuner then sizes each batch to take about jobs.batch-duration.
         */
        private Integer batchSize = 100;

        /**
         * The fewest rows the tuner puts in a batch.
         */
        private Integer minBatchSize = 10;

        /**
         * The most rows the tuner puts in a batch: the most row locks one batch holds.
         */
        private Integer maxBatchSize = 50000;

        /**
         * How long a batch should take: the tuner keeps batches at 90-95 % of it, so a writer on the same rows waits at most about this long.
         */
        private Duration batchDuration = Duration.ofMillis(100);

        /**
         * The pause between two batches of a job.
         */
        private Duration pause = Duration.ofMillis(10);

        /**
         * lock_timeout for a batch: a batch that waits longer for a row or table lock is rolled back and tried again after a pause, without counting as a failure.
         */
        private Duration lockTimeout = Duration.ofSeconds(1);

        /**
         * How often a failing batch is tried before its job stops as failed, naming the key range, the statement and the error.
         */
        private Integer maxAttempts = 3;

        /**
         * Jobs wait between batches while a standby's replay lag (pg_stat_replication) is longer than this. Unset: not checked.
         */
        private Duration maxReplicationLag;

        /**
         * Jobs wait between batches while more sessions than this are running a query on the server (pg_stat_activity), their own batch not counted. Unset: not checked.
         */
        private Integer maxActiveSessions;

        /**
         * What a migration with '-- lockstep:requires-finished=<version>' does when that job is not finished: 'run' runs the rest of the job first, in the foreground, with its progress in the log; 'fail' stops the run naming the job's state.
         */
        private LockstepSettings.RequiresFinished requiresFinished = LockstepSettings.RequiresFinished.RUN;

        /** When the application runs the jobs. */
        public enum Run {
            /** Never: lockstep-cli run-jobs or Lockstep.runJobs() runs them. */
            OFF,
            /** Once the application is ready, in the background. */
            AFTER_START
        }

        public Run getRun() {
            return run;
        }

        public void setRun(Run run) {
            this.run = run;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public Integer getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(Integer batchSize) {
            this.batchSize = batchSize;
        }

        public Integer getMinBatchSize() {
            return minBatchSize;
        }

        public void setMinBatchSize(Integer minBatchSize) {
            this.minBatchSize = minBatchSize;
        }

        public Integer getMaxBatchSize() {
            return maxBatchSize;
        }

        public void setMaxBatchSize(Integer maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
        }

        public Duration getBatchDuration() {
            return batchDuration;
        }

        public void setBatchDuration(Duration batchDuration) {
            this.batchDuration = batchDuration;
        }

        public Duration getPause() {
            return pause;
        }

        public void setPause(Duration pause) {
            this.pause = pause;
        }

        public Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getMaxReplicationLag() {
            return maxReplicationLag;
        }

        public void setMaxReplicationLag(Duration maxReplicationLag) {
            this.maxReplicationLag = maxReplicationLag;
        }

        public Integer getMaxActiveSessions() {
            return maxActiveSessions;
        }

        public void setMaxActiveSessions(Integer maxActiveSessions) {
            this.maxActiveSessions = maxActiveSessions;
        }

        public LockstepSettings.RequiresFinished getRequiresFinished() {
            return requiresFinished;
        }

        public void setRequiresFinished(LockstepSettings.RequiresFinished requiresFinished) {
            this.requiresFinished = requiresFinished;
        }
    }

    public Drift getDrift() {
        return drift;
    }

    /**
     * Drift: the live schema against what the applied migrations make.
     */
    public static class Drift {

        /**
         * When the application checks for drift: off, or after-start (once the application is ready, in the
         * background, reported in health and as the lockstep.drift.differences gauge).
         */
        private Check check = Check.OFF;

        /**
         * Whether drift found by the check after start sets readiness to REFUSING_TRAFFIC. Off: drift is reported, and
         * never takes the application out of service.
         */
        private boolean failReadiness;

        /**
         * What drift compares the live schema with: 'replay' (the applied migrations run again on a scratch database,
         * created and dropped; needs CREATEDB), 'snapshot' (the schema as the last run that changed it left it,
         * stored beside the tracker), 'auto' (the snapshot when it matches the tracker, else the replay).
         */
        private DriftComparison compareWith = DriftComparison.AUTO;

        /**
         * Objects that other tools own, left out of drift: patterns on the object as drift names it, * for any text,
         * e.g. 'index *_hotfix', 'table audit_*', 'grant * to reporting'.
         */
        private List<String> ignore = new ArrayList<>();

        /**
         * Whether each run that applies or undoes something stores the schema beside the tracker (<table>_schema),
         * for drift without a scratch database. It costs such a run two reads of the catalog; false: drift
         * compares with a replay.
         */
        private Boolean storeSnapshot = true;

        public Boolean getStoreSnapshot() {
            return storeSnapshot;
        }

        public void setStoreSnapshot(Boolean storeSnapshot) {
            this.storeSnapshot = storeSnapshot;
        }

        /** When the application checks for drift. */
        public enum Check {
            /** Never: drift runs only when asked (lockstep-cli drift, the Maven goal, Lockstep.drift()). */
            OFF,
            /** Once the application is ready, in the background. */
            AFTER_START
        }

        public Check getCheck() {
            return check;
        }

        public void setCheck(Check check) {
            this.check = check;
        }

        public boolean isFailReadiness() {
            return failReadiness;
        }

        public void setFailReadiness(boolean failReadiness) {
            this.failReadiness = failReadiness;
        }

        public DriftComparison getCompareWith() {
            return compareWith;
        }

        public void setCompareWith(DriftComparison compareWith) {
            this.compareWith = compareWith;
        }

        public List<String> getIgnore() {
            return ignore;
        }

        public void setIgnore(List<String> ignore) {
            this.ignore = ignore;
        }
    }

    public Ddl getDdl() {
        return ddl;
    }

    /**
     * Lock-queue protection: how long a migration statement may wait for a table lock while the table's own queries
     * queue behind it.
     */
    public static class Ddl {

        /**
         * Longest wait of a migration statement for a lock (the session's lock_timeout). When it is reached
         * PostgreSQL cancels the statement, the migration's transaction is rolled back and tried again after a
         * pause, so queries on the table never queue behind it for longer. 0 turns the protection off.
         */
        private Duration lockTimeout = Duration.ofSeconds(1);

        /**
         * How long a migration keeps retrying for its locks before the run fails, naming the blocking sessions.
         */
        private Duration maxWait = Duration.ofMinutes(10);

        public Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }
    }

    /**
     * The advisory lock that serializes runs across instances.
     */
    public static class Lock {

        /**
         * Advisory lock key. Defaults to a hash of the qualified tracker table name.
         */
        private Long key;

        /**
         * How long to wait for another instance holding the lock before failing.
         */
        private Duration timeout = Duration.ofMinutes(10);

        /**
         * How often to log, and publish to health, who holds the lock while waiting.
         */
        private Duration reportInterval = Duration.ofSeconds(10);

        public Long getKey() {
            return key;
        }

        public void setKey(Long key) {
            this.key = key;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getReportInterval() {
            return reportInterval;
        }

        public void setReportInterval(Duration reportInterval) {
            this.reportInterval = reportInterval;
        }
    }
}
