package dev.lockstep.autoconfigure;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.DriftComparison;
import dev.lockstep.core.FleetFailurePolicy;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.LockstepSettings.TenantsMode;
import dev.lockstep.core.VersionsMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One named migration set, {@code lockstep.targets.<name>.*}: its database, files and tracker, and
 * optionally its tenants. It may set any setting of the catalog ({@code LockstepSettings}) under the
 * same name as {@code lockstep.*} does; what it does not set comes from {@code lockstep.*} (a test
 * holds these properties to the catalog).
 */
public class TargetProperties {

    /**
     * Name of the DataSource bean to migrate. Without it (and without url): the application's DataSource.
     */
    private String dataSource;

    /**
     * JDBC URL of a database to migrate through connections of Lockstep's own (unpooled), instead of a bean.
     */
    private String url;

    /**
     * User for url. Defaults to lockstep.user.
     */
    private String user;

    /**
     * Password for url. Defaults to lockstep.password.
     */
    private String password;

    /**
     * Folders of this target's migration files. Required: two targets never share files by accident.
     */
    private List<String> locations = new ArrayList<>();

    /**
     * The tracker's schema (not with schema-per-tenant, where each tenant's schema holds its tracker).
     */
    private String schema;

    /**
     * The tracker table's name. Defaults to lockstep.table.
     */
    private String table;

    /**
     * Advisory lock key. Defaults to a hash of the qualified tracker table name, which differs per tenant schema.
     * The older name of lock.key.
     */
    private Long lockKey;

    /**
     * Whether several files may share a version (unique or shared). Defaults to lockstep.versions.
     */
    private VersionsMode versions;

    /**
     * What to do when an applied file changed since (fail, warn or ignore). Defaults to lockstep.checksum.
     */
    private ChecksumPolicy checksum;

    /**
     * statement_timeout for each migration statement. Defaults to lockstep.statement-timeout.
     */
    private Duration statementTimeout;

    /**
     * Adopts a database that has the schema but no tracker, up to this version. Defaults to lockstep.baseline-version.
     */
    private String baselineVersion;

    /**
     * How many more times to try connecting at the start. Defaults to lockstep.connect-retries.
     */
    private Integer connectRetries;

    /**
     * Longest pause between two connect tries. Defaults to lockstep.connect-retries-interval.
     */
    private Duration connectRetriesInterval;

    private final Lock lock = new Lock();

    private final Ddl ddl = new Ddl();

    private final Drift drift = new Drift();

    private final Jobs jobs = new Jobs();

    private final Fleet fleet = new Fleet();

    /**
     * Values for ${name} in this target's files, added to lockstep.placeholders.
     */
    private Map<String, String> placeholders = new LinkedHashMap<>();

    private final Tenants tenants = new Tenants();

    public String getDataSource() {
        return dataSource;
    }

    public void setDataSource(String dataSource) {
        this.dataSource = dataSource;
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

    public Long getLockKey() {
        return lockKey;
    }

    public void setLockKey(Long lockKey) {
        this.lockKey = lockKey;
    }

    public Map<String, String> getPlaceholders() {
        return placeholders;
    }

    public void setPlaceholders(Map<String, String> placeholders) {
        this.placeholders = placeholders;
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

    public String getBaselineVersion() {
        return baselineVersion;
    }

    public void setBaselineVersion(String baselineVersion) {
        this.baselineVersion = baselineVersion;
    }

    public Integer getConnectRetries() {
        return connectRetries;
    }

    public void setConnectRetries(Integer connectRetries) {
        this.connectRetries = connectRetries;
    }

    public Duration getConnectRetriesInterval() {
        return connectRetriesInterval;
    }

    public void setConnectRetriesInterval(Duration connectRetriesInterval) {
        this.connectRetriesInterval = connectRetriesInterval;
    }

    public Lock getLock() {
        return lock;
    }

    public Ddl getDdl() {
        return ddl;
    }

    public Drift getDrift() {
        return drift;
    }

    public Jobs getJobs() {
        return jobs;
    }

    public Fleet getFleet() {
        return fleet;
    }

    public Tenants getTenants() {
        return tenants;
    }

    /** Whether the target migrates tenants rather than one database. */
    boolean hasTenants() {
        return !tenants.list.isEmpty() || tenants.query != null || tenants.bean != null;
    }

    /** The target's tenants: where the names come from, and how a tenant is reached. */
    public static class Tenants {

        /** Whether each tenant is a database of its own: the mode says so, or how to reach one is given. */
        boolean databasePerTenant() {
            return mode == TenantsMode.DATABASE || urlTemplate != null || dataSourcesBean != null;
        }

        /**
         * Schema-per-tenant (each tenant a schema of the target's database) or database-per-tenant; setting
         * url-template makes it database.
         */
        private TenantsMode mode;

        /**
         * The tenants, by name.
         */
        private List<String> list = new ArrayList<>();

        /**
         * A query on the target's database whose first column lists the tenants, run at each start.
         */
        private String query;

        /**
         * Name of a dev.lockstep.core.TenantSource bean that lists the tenants.
         */
        private String bean;

        /**
         * Database-per-tenant: JDBC URL of a tenant's database, ${tenant} standing for its name.
         */
        private String urlTemplate;

        /**
         * Database-per-tenant: name of a dev.lockstep.core.TenantDataSources bean, instead of url-template.
         */
        private String dataSourcesBean;

        /**
         * Database-per-tenant: the database that createTenant clones (migrated first).
         */
        private String templateDatabase;

        public TenantsMode getMode() {
            return mode;
        }

        public void setMode(TenantsMode mode) {
            this.mode = mode;
        }

        public List<String> getList() {
            return list;
        }

        public void setList(List<String> list) {
            this.list = list;
        }

        public String getQuery() {
            return query;
        }

        public void setQuery(String query) {
            this.query = query;
        }

        public String getBean() {
            return bean;
        }

        public void setBean(String bean) {
            this.bean = bean;
        }

        public String getUrlTemplate() {
            return urlTemplate;
        }

        public void setUrlTemplate(String urlTemplate) {
            this.urlTemplate = urlTemplate;
        }

        public String getDataSourcesBean() {
            return dataSourcesBean;
        }

        public void setDataSourcesBean(String dataSourcesBean) {
            this.dataSourcesBean = dataSourcesBean;
        }

        public String getTemplateDatabase() {
            return templateDatabase;
        }

        public void setTemplateDatabase(String templateDatabase) {
            this.templateDatabase = templateDatabase;
        }
    }

    /** The target's lock, {@code lockstep.targets.<name>.lock.*}; unset: lockstep.lock.*. */
    public static class Lock {

        /**
         * Advisory lock key. Defaults to a hash of the qualified tracker table name.
         */
        private Long key;

        /**
         * How long to wait for another instance's migration lock. Defaults to lockstep.lock.timeout.
         */
        private Duration timeout;

        /**
         * How often to say who holds the lock while waiting. Defaults to lockstep.lock.report-interval.
         */
        private Duration reportInterval;

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

    /** The target's safe DDL, {@code lockstep.targets.<name>.ddl.*}; unset: lockstep.ddl.*. */
    public static class Ddl {

        /**
         * lock_timeout for migration statements. Defaults to lockstep.ddl.lock-timeout.
         */
        private Duration lockTimeout;

        /**
         * How long a migration keeps retrying for its locks. Defaults to lockstep.ddl.max-wait.
         */
        private Duration maxWait;

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

    /** What this target's drift compares, {@code lockstep.targets.<name>.drift.*}; unset: lockstep.drift.*. */
    public static class Drift {

        /**
         * What drift compares the schema with: auto, replay or snapshot. Defaults to lockstep.drift.compare-with.
         */
        private DriftComparison compareWith;

        /**
         * Objects other tools own, left out of drift (patterns, * for any text). Defaults to lockstep.drift.ignore.
         */
        private List<String> ignore = new ArrayList<>();

        /**
         * Whether this target's runs store the schema for drift. Defaults to lockstep.drift.store-snapshot.
         */
        private Boolean storeSnapshot;

        public Boolean getStoreSnapshot() {
            return storeSnapshot;
        }

        public void setStoreSnapshot(Boolean storeSnapshot) {
            this.storeSnapshot = storeSnapshot;
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

    /** This target's batched migrations, {@code lockstep.targets.<name>.jobs.*}; unset: lockstep.jobs.*. */
    public static class Jobs {

        /**
         * Rows in a batched migration's first batch, kept small so that a writer on the same rows never waits long for a first batch of slow rows; the tuner then sizes each batch to take about jobs.batch-duration. Defaults to lockstep.jobs.batch-size.
         */
        private Integer batchSize;

        /**
         * The fewest rows the tuner puts in a batch. Defaults to lockstep.jobs.min-batch-size.
         */
        private Integer minBatchSize;

        /**
         * The most rows the tuner puts in a batch: the most row locks one batch holds. Defaults to lockstep.jobs.max-batch-size.
         */
        private Integer maxBatchSize;

        /**
         * How long a batch should take: the tuner keeps batches at 90-95 % of it, so a writer on the same rows waits at most about this long. Defaults to lockstep.jobs.batch-duration.
         */
        private Duration batchDuration;

        /**
         * The pause between two batches of a job. Defaults to lockstep.jobs.pause.
         */
        private Duration pause;

        /**
         * lock_timeout for a batch: a batch that waits longer for a row or table lock is rolled back and tried again after a pause, without counting as a failure. Defaults to lockstep.jobs.lock-timeout.
         */
        private Duration lockTimeout;

        /**
         * How often a failing batch is tried before its job stops as failed, naming the key range, the statement and the error. Defaults to lockstep.jobs.max-attempts.
         */
        private Integer maxAttempts;

        /**
         * Jobs wait between batches while a standby's replay lag (pg_stat_replication) is longer than this. Unset: not checked. Defaults to lockstep.jobs.max-replication-lag.
         */
        private Duration maxReplicationLag;

        /**
         * Jobs wait between batches while more sessions than this are running a query on the server (pg_stat_activity), their own batch not counted. Unset: not checked. Defaults to lockstep.jobs.max-active-sessions.
         */
        private Integer maxActiveSessions;

        /**
         * What a migration with '-- lockstep:requires-finished=<version>' does when that job is not finished: 'run' runs the rest of the job first, in the foreground, with its progress in the log; 'fail' stops the run naming the job's state. Defaults to lockstep.jobs.requires-finished.
         */
        private LockstepSettings.RequiresFinished requiresFinished;

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

    /** How this target's tenants run, {@code lockstep.targets.<name>.fleet.*}; unset: lockstep.fleet.*. */
    public static class Fleet {

        /**
         * How many tenants migrate at once. Defaults to lockstep.fleet.parallelism.
         */
        private Integer parallelism;

        /**
         * How many tenants' batched jobs run at once. Defaults to lockstep.fleet.jobs-parallelism.
         */
        private Integer jobsParallelism;

        public Integer getJobsParallelism() {
            return jobsParallelism;
        }

        public void setJobsParallelism(Integer jobsParallelism) {
            this.jobsParallelism = jobsParallelism;
        }

        /**
         * How many tenants (the first ones) run first, as canaries. Defaults to lockstep.fleet.canaries.
         */
        private Integer canaries;

        /**
         * The canary tenants by name, instead of a count. Defaults to lockstep.fleet.canary-tenants.
         */
        private List<String> canaryTenants = new ArrayList<>();

        /**
         * What a failed tenant does to the rest. Defaults to lockstep.fleet.on-failure.
         */
        private FleetFailurePolicy onFailure;

        public Integer getParallelism() {
            return parallelism;
        }

        public void setParallelism(Integer parallelism) {
            this.parallelism = parallelism;
        }

        public Integer getCanaries() {
            return canaries;
        }

        public void setCanaries(Integer canaries) {
            this.canaries = canaries;
        }

        public List<String> getCanaryTenants() {
            return canaryTenants;
        }

        public void setCanaryTenants(List<String> canaryTenants) {
            this.canaryTenants = canaryTenants;
        }

        public FleetFailurePolicy getOnFailure() {
            return onFailure;
        }

        public void setOnFailure(FleetFailurePolicy onFailure) {
            this.onFailure = onFailure;
        }
    }
}
