package dev.lockstep.core;

import dev.lockstep.core.LockstepSetting.Check;
import dev.lockstep.core.LockstepSetting.Group;
import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting, each written down once ({@link LockstepSetting}): key, type, default, meaning, how
 * it is read from text, what makes a value wrong. {@link LockstepConfiguration} holds values by these
 * entries and checks them against them; the engine reads its settings by entry; Spring Boot's
 * {@code LockstepProperties} carries the same keys and defaults (a test holds its metadata to this
 * list); the command line takes every one as a flag, a {@code LOCKSTEP_*} variable or a line of
 * {@code lockstep.properties}, and the Maven plugin as {@code -Dlockstep.*}. What only Spring Boot
 * decides (when to run, which bean is the DataSource) is Spring Boot's.
 */
public final class LockstepSettings {

    private static final String DURATION = "a duration such as 250ms, 10s, 5m or 1h (a number alone is "
            + "milliseconds; ISO-8601, e.g. PT10S, works too)";

    // Engine: how a run migrates.

    public static final LockstepSetting<List<String>> LOCATIONS =
            LockstepSettings.<List<String>>setting("locations", List.class)
            .defaults(List.of("classpath:db/migrations"), "classpath:db/migrations")
            .means("Folders holding the migration files, scanned recursively: 'classpath:' or 'filesystem:' locations.")
            .expects("comma-separated folders, e.g. classpath:db/migrations or filesystem:/srv/migrations")
            .parse(LockstepSettings::list).check(LockstepSettings::locations).build();

    public static final LockstepSetting<String> SCHEMA = LockstepSettings.<String>setting("schema", String.class)
            .means("Schema of the tracker table, created if missing, and first on the session's search_path while the "
                    + "files' SQL runs (as Flyway's defaultSchema), so unqualified names resolve and land there. "
                    + "Defaults to the connection's current schema, search_path unchanged.")
            .expects("a schema name").parse(Function.identity()).check(identifier("lockstep.schema")).build();

    public static final LockstepSetting<String> TABLE = LockstepSettings.<String>setting("table", String.class)
            .defaults("lockstep_applied_migrations", "lockstep_applied_migrations")
            .means("Name of the tracker table.")
            .expects("a table name").parse(Function.identity()).check(identifier("lockstep.table")).build();

    public static final LockstepSetting<VersionsMode> VERSIONS =
            LockstepSettings.<VersionsMode>setting("versions", VersionsMode.class)
            .defaults(VersionsMode.UNIQUE, "unique")
            .means("Whether several files may share a version: 'unique' makes a second file with one version an "
                    + "error, 'shared' identifies migrations by version and name.")
            .expects("unique or shared").parse(text -> VersionsMode.valueOf(text.toUpperCase(Locale.ROOT))).build();

    public static final LockstepSetting<ChecksumPolicy> CHECKSUM =
            LockstepSettings.<ChecksumPolicy>setting("checksum", ChecksumPolicy.class)
            .defaults(ChecksumPolicy.FAIL, "fail")
            .means("What to do when an applied migration's file has changed since: 'fail', 'warn' or 'ignore'.")
            .expects("fail, warn or ignore").parse(text -> ChecksumPolicy.valueOf(text.toUpperCase(Locale.ROOT)))
            .build();

    public static final LockstepSetting<Long> LOCK_KEY = LockstepSettings.<Long>setting("lock.key", Long.class)
            .means("Advisory lock key serializing the runners. Defaults to a hash of the tracker's schema-qualified "
                    + "name.")
            .expects("a whole number (64-bit)").parse(Long::valueOf).build();

    public static final LockstepSetting<Duration> LOCK_TIMEOUT =
            LockstepSettings.<Duration>setting("lock.timeout", Duration.class)
            .defaults(Duration.ofMinutes(10), "10m")
            .means("How long to wait for another instance's migration lock before failing.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::zeroOrLonger).build();

    public static final LockstepSetting<Duration> LOCK_REPORT_INTERVAL =
            LockstepSettings.<Duration>setting("lock.report-interval", Duration.class)
            .defaults(Duration.ofSeconds(10), "10s")
            .means("How often to log and publish who holds the lock while waiting for it.")
            .expects(DURATION).parse(LockstepSettings::duration)
            .check(value -> value.isNegative() || value.isZero() ? Optional.of("'" + value + "' must be longer than "
                    + "zero, e.g. 10s: it is how often a waiting runner says who holds the lock") : Optional.empty())
            .build();

    public static final LockstepSetting<Duration> STATEMENT_TIMEOUT =
            LockstepSettings.<Duration>setting("statement-timeout", Duration.class)
            .means("Maximum time for each migration statement (the session's statement_timeout). Unset leaves the "
                    + "server's.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::zeroOrLonger).build();

    public static final LockstepSetting<Duration> DDL_LOCK_TIMEOUT =
            LockstepSettings.<Duration>setting("ddl.lock-timeout", Duration.class)
            .defaults(Duration.ofSeconds(1), "1s")
            .means("lock_timeout for migration statements: the longest the table's own queries queue behind a "
                    + "migration waiting for its lock; then the migration is rolled back and tried again. 0 turns "
                    + "this off.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::zeroOrLonger).build();

    public static final LockstepSetting<Duration> DDL_MAX_WAIT =
            LockstepSettings.<Duration>setting("ddl.max-wait", Duration.class)
            .defaults(Duration.ofMinutes(10), "10m")
            .means("How long a migration keeps retrying for its locks before the run fails, naming the blocking "
                    + "sessions.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::zeroOrLonger).build();

    public static final LockstepSetting<String> BASELINE_VERSION =
            LockstepSettings.<String>setting("baseline-version", String.class)
            .means("Adopts a database whose schema exists but has no tracker: the files up to this version are "
                    + "recorded as applied without running them, the later ones run. Refused when the tracker already "
                    + "records migrations. A whole number or a dotted version (1.5).")
            .expects("a version, e.g. 42 or 1.5").parse(Function.identity())
            .check(LockstepSettings::version).build();

    public static final LockstepSetting<Integer> CONNECT_RETRIES =
            LockstepSettings.<Integer>setting("connect-retries", Integer.class)
            .defaults(0, "0")
            .means("How many more times to try connecting when the database does not answer at startup (0: fail at "
                    + "once). Tries are one second apart at first and twice as long each time, up to "
                    + "connect-retries-interval.")
            .expects("a whole number, 0 or more").parse(Integer::valueOf)
            .check(value -> value < 0 ? Optional.of("'" + value + "' must be zero (fail at once) or more")
                    : Optional.empty())
            .build();

    public static final LockstepSetting<Duration> CONNECT_RETRIES_INTERVAL =
            LockstepSettings.<Duration>setting("connect-retries-interval", Duration.class)
            .defaults(Duration.ofSeconds(120), "120s")
            .means("Longest pause between two connect tries.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::zeroOrLonger).build();

    public static final LockstepSetting<Map<String, String>> PLACEHOLDERS =
            LockstepSettings.<Map<String, String>>setting("placeholders", Map.class)
            .means("Values for ${name} in the migration files, one setting per name (placeholders.app=shop). With "
                    + "none set nothing is replaced; with some set, a ${name} without a value is an error naming the "
                    + "file and line.")
            .expects("name=value pairs, comma-separated, or one placeholders.<name> setting per name")
            .parse(LockstepSettings::pairs).build();

    public static final LockstepSetting<DriftComparison> DRIFT_COMPARE_WITH =
            LockstepSettings.<DriftComparison>setting("drift.compare-with", DriftComparison.class)
            .defaults(DriftComparison.AUTO, "auto")
            .means("What drift compares the live schema with: 'replay' (the applied migrations run again on a scratch "
                    + "database, created and dropped; needs CREATEDB), 'snapshot' (the schema as the last run that "
                    + "changed it left it, stored beside the tracker), 'auto' (the snapshot when it matches the "
                    + "tracker, else the replay).")
            .expects("auto, replay or snapshot")
            .parse(text -> DriftComparison.valueOf(text.strip().toUpperCase(Locale.ROOT))).build();

    public static final LockstepSetting<List<String>> DRIFT_IGNORE =
            LockstepSettings.<List<String>>setting("drift.ignore", List.class)
            .means("Objects that other tools own, left out of drift: patterns on the object as drift names it, * for "
                    + "any text, e.g. 'index *_hotfix', 'table audit_*', 'grant * to reporting'.")
            .expects("comma-separated patterns, e.g. index *_hotfix, table audit_*")
            .parse(LockstepSettings::list).build();

    public static final LockstepSetting<Boolean> DRIFT_STORE_SNAPSHOT =
            LockstepSettings.<Boolean>setting("drift.store-snapshot", Boolean.class)
            .defaults(true, "true")
            .means("Whether each run that applies or undoes something stores the schema beside the tracker "
                    + "(<table>_schema), for drift without a scratch database. It costs such a run two reads of the "
                    + "catalog; false: drift compares with a replay.")
            .expects("true or false").parse(LockstepSettings::bool).build();

    // Batched migrations: their jobs' batches, after the start.

    public static final LockstepSetting<Integer> JOBS_BATCH_SIZE =
            LockstepSettings.<Integer>setting("jobs.batch-size", Integer.class)
            .defaults(100, "100")
            .means("Rows in a batched migration's first batch, kept small so that a writer on the same rows never "
                    + "waits long for a first batch of slow rows; the tuner then sizes each batch to take about "
                    + "jobs.batch-duration, between jobs.min-batch-size and jobs.max-batch-size.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf).check(LockstepSettings::positive).build();

    public static final LockstepSetting<Integer> JOBS_MIN_BATCH_SIZE =
            LockstepSettings.<Integer>setting("jobs.min-batch-size", Integer.class)
            .defaults(10, "10")
            .means("The fewest rows the tuner puts in a batch.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf).check(LockstepSettings::positive).build();

    public static final LockstepSetting<Integer> JOBS_MAX_BATCH_SIZE =
            LockstepSettings.<Integer>setting("jobs.max-batch-size", Integer.class)
            .defaults(50_000, "50000")
            .means("The most rows the tuner puts in a batch: the most row locks one batch holds.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf).check(LockstepSettings::positive).build();

    public static final LockstepSetting<Duration> JOBS_BATCH_DURATION =
            LockstepSettings.<Duration>setting("jobs.batch-duration", Duration.class)
            .defaults(Duration.ofMillis(100), "100ms")
            .means("How long a batch should take: the tuner keeps batches at 90-95 % of it, so a writer on the same "
                    + "rows waits at most about this long.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::longerThanZero).build();

    public static final LockstepSetting<Duration> JOBS_PAUSE =
            LockstepSettings.<Duration>setting("jobs.pause", Duration.class)
            .defaults(Duration.ofMillis(10), "10ms")
            .means("The pause between two batches of a job.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::zeroOrLonger).build();

    public static final LockstepSetting<Duration> JOBS_LOCK_TIMEOUT =
            LockstepSettings.<Duration>setting("jobs.lock-timeout", Duration.class)
            .defaults(Duration.ofSeconds(1), "1s")
            .means("lock_timeout for a batch: a batch that waits longer for a row or table lock is rolled back and "
                    + "tried again after a pause, without counting as a failure.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::longerThanZero).build();

    public static final LockstepSetting<Integer> JOBS_MAX_ATTEMPTS =
            LockstepSettings.<Integer>setting("jobs.max-attempts", Integer.class)
            .defaults(3, "3")
            .means("How often a failing batch is tried before its job stops as failed, naming the key range, the "
                    + "statement and the error.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf).check(LockstepSettings::positive).build();

    public static final LockstepSetting<Duration> JOBS_MAX_REPLICATION_LAG =
            LockstepSettings.<Duration>setting("jobs.max-replication-lag", Duration.class)
            .means("Jobs wait between batches while a standby's replay lag (pg_stat_replication) is longer than "
                    + "this. Unset: not checked.")
            .expects(DURATION).parse(LockstepSettings::duration).check(LockstepSettings::longerThanZero).build();

    public static final LockstepSetting<Integer> JOBS_MAX_ACTIVE_SESSIONS =
            LockstepSettings.<Integer>setting("jobs.max-active-sessions", Integer.class)
            .means("Jobs wait between batches while more sessions than this are running a query on the server "
                    + "(pg_stat_activity), their own batch not counted. Unset: not checked.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf).check(LockstepSettings::positive).build();

    public static final LockstepSetting<RequiresFinished> JOBS_REQUIRES_FINISHED =
            LockstepSettings.<RequiresFinished>setting("jobs.requires-finished", RequiresFinished.class)
            .defaults(RequiresFinished.RUN, "run")
            .means("What a migration with '-- lockstep:requires-finished=<version>' does when that job is not "
                    + "finished: 'run' runs the rest of the job first, in the foreground, with its progress in the "
                    + "log; 'fail' stops the run naming the job's state.")
            .expects("run or fail")
            .parse(text -> RequiresFinished.valueOf(text.strip().toUpperCase(Locale.ROOT))).build();

    // Connection: where a tool connects (Spring Boot builds its DataSource itself from the same keys).

    public static final LockstepSetting<String> URL =
            LockstepSettings.<String>setting("url", String.class).group(Group.CONNECTION)
            .means("JDBC URL of the database to migrate, e.g. jdbc:postgresql://db:5432/orders.")
            .expects("a PostgreSQL JDBC URL, jdbc:postgresql://host:5432/database").parse(String::strip)
            .check(url -> url.startsWith("jdbc:postgresql:") ? Optional.empty() : Optional.of("'" + url + "' is no "
                    + "PostgreSQL JDBC URL; write jdbc:postgresql://host:5432/database"))
            .build();

    public static final LockstepSetting<String> USER =
            LockstepSettings.<String>setting("user", String.class).group(Group.CONNECTION)
            .means("Login user for the url.").expects("a user name").parse(Function.identity()).build();

    public static final LockstepSetting<String> PASSWORD =
            LockstepSettings.<String>setting("password", String.class).group(Group.CONNECTION)
            .means("Login password for the url.").expects("a password").parse(Function.identity()).build();

    // Fleet: which tenants, and how they run.

    public static final LockstepSetting<List<String>> TENANTS_LIST =
            LockstepSettings.<List<String>>setting("tenants.list", List.class)
            .group(Group.FLEET).alias("tenants")
            .means("The tenants, in order: every command runs in each (schemas of the database unless "
                    + "tenants.mode=database).")
            .expects("comma-separated tenant names").parse(LockstepSettings::list).build();

    public static final LockstepSetting<String> TENANTS_QUERY =
            LockstepSettings.<String>setting("tenants.query", String.class)
            .group(Group.FLEET).alias("tenants-query")
            .means("A query on the database whose first column lists the tenants, run at each fleet run, instead of "
                    + "tenants.list.")
            .expects("a SELECT, e.g. SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1")
            .parse(Function.identity()).check(query -> query.isBlank() ? Optional.of("is empty; give a SELECT whose "
                    + "first column lists the tenants, or remove the setting") : Optional.empty()).build();

    public static final LockstepSetting<TenantsMode> TENANTS_MODE =
            LockstepSettings.<TenantsMode>setting("tenants.mode", TenantsMode.class)
            .group(Group.FLEET).defaults(TenantsMode.SCHEMA, "schema")
            .means("Whether each tenant is a schema of the database ('schema') or a database of its own "
                    + "('database', reached through tenants.url-template).")
            .expects("schema or database").parse(text -> TenantsMode.valueOf(text.toUpperCase(Locale.ROOT))).build();

    public static final LockstepSetting<String> TENANTS_URL_TEMPLATE =
            LockstepSettings.<String>setting("tenants.url-template", String.class)
            .group(Group.FLEET).alias("tenant-url-template")
            .means("Database-per-tenant: a tenant's JDBC URL, ${tenant} where its name goes; setting it makes "
                    + "tenants.mode database.")
            .expects("a JDBC URL with ${tenant}, e.g. jdbc:postgresql://db:5432/${tenant}").parse(String::strip)
            .check(url -> url.contains("${tenant}") ? Optional.empty() : Optional.of("'" + url + "' has no "
                    + "${tenant}, so every tenant would be the same database; write it where the database name goes, "
                    + "e.g. jdbc:postgresql://db:5432/${tenant}"))
            .build();

    public static final LockstepSetting<String> TENANTS_TEMPLATE_DATABASE =
            LockstepSettings.<String>setting("tenants.template-database", String.class).group(Group.FLEET)
            .means("Database-per-tenant: a new tenant is cloned from this database (migrated first) instead of "
                    + "created empty and migrated.")
            .expects("a database name").parse(String::strip).build();

    public static final LockstepSetting<Integer> FLEET_PARALLELISM =
            LockstepSettings.<Integer>setting("fleet.parallelism", Integer.class)
            .group(Group.FLEET).alias("parallelism")
            .defaults(FleetConfiguration.DEFAULT_PARALLELISM, String.valueOf(FleetConfiguration.DEFAULT_PARALLELISM))
            .means("How many tenants migrate at once; each holds one connection while it runs, two while it waits "
                    + "for a table lock.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf)
            .check(value -> value < 1 ? Optional.of("'" + value + "' must be 1 or more") : Optional.empty()).build();

    public static final LockstepSetting<Integer> FLEET_CANARIES =
            LockstepSettings.<Integer>setting("fleet.canaries", Integer.class)
            .group(Group.FLEET).alias("canaries").defaults(0, "0")
            .means("How many tenants (the first) migrate first; when one fails, the fleet stops before the others.")
            .expects("a whole number, 0 or more").parse(Integer::valueOf)
            .check(value -> value < 0 ? Optional.of("'" + value + "' must be 0 or more") : Optional.empty()).build();

    public static final LockstepSetting<List<String>> FLEET_CANARY_TENANTS =
            LockstepSettings.<List<String>>setting("fleet.canary-tenants", List.class).group(Group.FLEET)
            .means("These tenants migrate first, as canaries, instead of the first fleet.canaries.")
            .expects("comma-separated tenant names").parse(LockstepSettings::list).build();

    public static final LockstepSetting<FleetFailurePolicy> FLEET_ON_FAILURE =
            LockstepSettings.<FleetFailurePolicy>setting("fleet.on-failure", FleetFailurePolicy.class)
            .group(Group.FLEET).alias("on-failure")
            .defaults(FleetFailurePolicy.STOP_ON_FIRST_FAILURE, "stop-on-first-failure")
            .means("What a failed tenant does to the rest: 'stop-on-first-failure' starts no other tenant, "
                    + "'continue' migrates every other tenant and reports the failed ones.")
            .expects("stop-on-first-failure or continue")
            .parse(text -> FleetFailurePolicy.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'))).build();

    public static final LockstepSetting<Integer> FLEET_JOBS_PARALLELISM =
            LockstepSettings.<Integer>setting("fleet.jobs-parallelism", Integer.class)
            .group(Group.FLEET).defaults(2, "2")
            .means("How many tenants' batched jobs run at once, across the fleet; each holds one connection while it "
                    + "runs.")
            .expects("a whole number, 1 or more").parse(Integer::valueOf).check(LockstepSettings::positive).build();

    private static final List<LockstepSetting<?>> ALL = List.of(LOCATIONS, SCHEMA, TABLE, VERSIONS, CHECKSUM, LOCK_KEY,
            LOCK_TIMEOUT, LOCK_REPORT_INTERVAL, STATEMENT_TIMEOUT, DDL_LOCK_TIMEOUT, DDL_MAX_WAIT, BASELINE_VERSION,
            CONNECT_RETRIES, CONNECT_RETRIES_INTERVAL, PLACEHOLDERS, DRIFT_COMPARE_WITH, DRIFT_IGNORE, DRIFT_STORE_SNAPSHOT, URL, USER, PASSWORD, TENANTS_LIST, TENANTS_QUERY,
            TENANTS_MODE, TENANTS_URL_TEMPLATE, TENANTS_TEMPLATE_DATABASE, FLEET_PARALLELISM, FLEET_CANARIES,
            FLEET_CANARY_TENANTS, FLEET_ON_FAILURE, JOBS_BATCH_SIZE, JOBS_MIN_BATCH_SIZE, JOBS_MAX_BATCH_SIZE,
            JOBS_BATCH_DURATION, JOBS_PAUSE, JOBS_LOCK_TIMEOUT, JOBS_MAX_ATTEMPTS, JOBS_MAX_REPLICATION_LAG,
            JOBS_MAX_ACTIVE_SESSIONS, JOBS_REQUIRES_FINISHED, FLEET_JOBS_PARALLELISM);

    /**
     * What a migration that requires a batched migration's job finished does when it is not:
     * finish it first, in the foreground, or stop.
     */
    public enum RequiresFinished {
        RUN, FAIL
    }

    /** Whether each tenant is a schema of the database or a database of its own. */
    public enum TenantsMode {
        SCHEMA, DATABASE
    }

    private LockstepSettings() {
    }

    /** Every setting, in the order the documentation lists them. */
    public static List<LockstepSetting<?>> all() {
        return ALL;
    }

    /** The settings of one group, in order. */
    public static List<LockstepSetting<?>> of(Group group) {
        return ALL.stream().filter(setting -> setting.group() == group).toList();
    }

    /**
     * The setting with this key ({@code lockstep.lock.timeout}), name ({@code lock.timeout}) or
     * command-line alias ({@code tenants-query}); {@code placeholders.<name>} is {@link #PLACEHOLDERS}.
     */
    /**
     * The setting a mistyped name (without {@code lockstep.}) was most likely meant to be, among every
     * setting's name and alias but the placeholders' ({@link NearestName}); what each entry point
     * names when it refuses an unknown setting.
     */
    public static Optional<String> nearestName(String name) {
        List<String> names = new ArrayList<>();
        for (LockstepSetting<?> setting : ALL) {
            if (setting != PLACEHOLDERS) {
                names.add(setting.name());
                names.addAll(setting.aliases());
            }
        }
        return NearestName.among(name, names);
    }

    public static Optional<LockstepSetting<?>> byKey(String key) {
        String name = key.startsWith(LockstepSetting.PREFIX) ? key.substring(LockstepSetting.PREFIX.length()) : key;
        if (name.startsWith(PLACEHOLDERS.name() + ".")) {
            return Optional.of(PLACEHOLDERS);
        }
        return ALL.stream().filter(setting -> setting.name().equals(name) || setting.aliases().contains(name))
                .findFirst();
    }

    /** Every key, comma-separated, for errors that list them. */
    static String keys() {
        return ALL.stream().map(LockstepSetting::key).collect(Collectors.joining(", "));
    }

    /**
     * A duration as Spring Boot reads one: a number with an optional unit ({@code ms}, {@code s},
     * {@code m}, {@code h}, {@code d}; milliseconds without one), or ISO-8601.
     */
    static Duration duration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        int unit = 0;
        while (unit < value.length() && Character.isDigit(value.charAt(unit))) {
            unit++;
        }
        if (unit == 0) {
            return Duration.parse(text.strip());
        }
        long amount = Long.parseLong(value.substring(0, unit));
        return switch (value.substring(unit).strip()) {
            case "", "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown unit in " + text);
        };
    }

    private static Boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false: " + text);
        };
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(part -> !part.isEmpty()).toList();
    }

    /** {@code a=1,b=2}. */
    private static Map<String, String> pairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : list(text)) {
            int equals = pair.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("no name=value: " + pair);
            }
            pairs.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
        return pairs;
    }

    private static Optional<String> zeroOrLonger(Duration value) {
        return value.isNegative() ? Optional.of("'" + value + "' must be zero or longer, e.g. 10s or 5m")
                : Optional.empty();
    }

    private static Optional<String> longerThanZero(Duration value) {
        return value.isNegative() || value.isZero() ? Optional.of("'" + value + "' must be longer than zero, e.g. "
                + "100ms or 1s") : Optional.empty();
    }

    private static Optional<String> positive(Integer value) {
        return value < 1 ? Optional.of("'" + value + "' must be 1 or more") : Optional.empty();
    }

    private static Optional<String> locations(List<String> locations) {
        if (locations.isEmpty()) {
            return Optional.of("no location is set; use classpath:db/migrations or filesystem:/path/to/migrations");
        }
        locations.forEach(MigrationScanner::validate);
        return Optional.empty();
    }

    private static Check<String> identifier(String key) {
        return value -> {
            Identifiers.validate(key, value);
            return Optional.empty();
        };
    }

    private static Optional<String> version(String text) {
        try {
            MigrationVersion.parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("'" + text + "' is no migration version (" + e.getMessage() + "); give the version of "
                    + "the last migration the schema already has, e.g. 42 or 1.5");
        }
    }

    private static <T> Builder<T> setting(String name, Class<?> type) {
        return new Builder<>(name, type);
    }

    /** Writes one entry down, part by part, so that no two strings of it can trade places. */
    private static final class Builder<T> {
        private final String name;
        private final Class<?> type;
        private T defaultValue;
        private String defaultText;
        private String description;
        private String expected;
        private Function<String, T> parse;
        private Check<T> check = value -> Optional.empty();
        private Group group = Group.ENGINE;
        private final List<String> aliases = new ArrayList<>();

        Builder(String name, Class<?> type) {
            this.name = name;
            this.type = type;
        }

        Builder<T> defaults(T value, String text) {
            this.defaultValue = value;
            this.defaultText = text;
            return this;
        }

        Builder<T> means(String description) {
            this.description = description;
            return this;
        }

        Builder<T> expects(String expected) {
            this.expected = expected;
            return this;
        }

        @SuppressWarnings("unchecked") // a List or Map setting reads text into that raw type
        Builder<T> parse(Function<String, ?> parse) {
            this.parse = (Function<String, T>) parse;
            return this;
        }

        Builder<T> check(Check<T> check) {
            this.check = check;
            return this;
        }

        Builder<T> group(Group group) {
            this.group = group;
            return this;
        }

        Builder<T> alias(String alias) {
            aliases.add(alias);
            return this;
        }

        LockstepSetting<T> build() {
            return new LockstepSetting<>(name, type, defaultValue, defaultText, description, expected, parse, check,
                    group, aliases);
        }
    }
}
