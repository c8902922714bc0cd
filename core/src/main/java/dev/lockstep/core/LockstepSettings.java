package dev.lockstep.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of the engine, each written down once ({@link LockstepSetting}): key, type,
 * default, meaning, how it is read from text. {@link LockstepConfiguration} starts from these
 * defaults; Spring Boot's {@code LockstepProperties} carries the same keys and defaults (a test
 * holds its metadata to this list), the command line takes them as flags, {@code LOCKSTEP_*}
 * variables and {@code lockstep.properties}, and {@code lockstep-test} reads the ones that decide a
 * schema. Settings that are not the engine's (when to run, which DataSource) belong to Spring Boot.
 */
public final class LockstepSettings {

    private static final String DURATION = "a duration such as 250ms, 10s, 5m or 1h (a number alone is "
            + "milliseconds; ISO-8601, e.g. PT10S, works too)";

    public static final LockstepSetting<List<String>> LOCATIONS = new LockstepSetting<>("locations", List.class,
            List.of("classpath:db/migrations"), "classpath:db/migrations",
            "Folders holding the migration files, scanned recursively: 'classpath:' or 'filesystem:' locations.",
            "comma-separated folders, e.g. classpath:db/migrations or filesystem:/srv/migrations",
            LockstepSettings::list, LockstepConfiguration::locations);

    public static final LockstepSetting<String> SCHEMA = new LockstepSetting<>("schema", String.class, null, null,
            "Schema of the tracker table, created if missing. Defaults to the connection's current schema.",
            "a schema name", Function.identity(), LockstepConfiguration::schema);

    public static final LockstepSetting<String> TABLE = new LockstepSetting<>("table", String.class,
            "lockstep_applied_migrations", "lockstep_applied_migrations", "Name of the tracker table.",
            "a table name", Function.identity(), LockstepConfiguration::table);

    public static final LockstepSetting<VersionsMode> VERSIONS = new LockstepSetting<>("versions",
            VersionsMode.class, VersionsMode.UNIQUE, "unique",
            "Whether several files may share a version: 'unique' makes a second file with one version an error, "
                    + "'shared' identifies migrations by version and name.",
            "unique or shared", text -> VersionsMode.valueOf(text.toUpperCase(Locale.ROOT)),
            LockstepConfiguration::versions);

    public static final LockstepSetting<ChecksumPolicy> CHECKSUM = new LockstepSetting<>("checksum",
            ChecksumPolicy.class, ChecksumPolicy.FAIL, "fail",
            "What to do when an applied migration's file has changed since: 'fail', 'warn' or 'ignore'.",
            "fail, warn or ignore", text -> ChecksumPolicy.valueOf(text.toUpperCase(Locale.ROOT)),
            LockstepConfiguration::checksum);

    public static final LockstepSetting<Long> LOCK_KEY = new LockstepSetting<>("lock.key", Long.class, null, null,
            "Advisory lock key serializing the runners. Defaults to a hash of the tracker's schema-qualified name.",
            "a whole number (64-bit)", Long::valueOf, LockstepConfiguration::lockKey);

    public static final LockstepSetting<Duration> LOCK_TIMEOUT = new LockstepSetting<>("lock.timeout",
            Duration.class, Duration.ofMinutes(10), "10m",
            "How long to wait for another instance's migration lock before failing.",
            DURATION, LockstepSettings::duration, LockstepConfiguration::lockTimeout);

    public static final LockstepSetting<Duration> LOCK_REPORT_INTERVAL = new LockstepSetting<>(
            "lock.report-interval", Duration.class, Duration.ofSeconds(10), "10s",
            "How often to log and publish who holds the lock while waiting for it.",
            DURATION, LockstepSettings::duration, LockstepConfiguration::reportInterval);

    public static final LockstepSetting<Duration> STATEMENT_TIMEOUT = new LockstepSetting<>("statement-timeout",
            Duration.class, null, null,
            "Maximum time for each migration statement (the session's statement_timeout). Unset leaves the server's.",
            DURATION, LockstepSettings::duration, LockstepConfiguration::statementTimeout);

    public static final LockstepSetting<Duration> DDL_LOCK_TIMEOUT = new LockstepSetting<>("ddl.lock-timeout",
            Duration.class, Duration.ofSeconds(1), "1s",
            "lock_timeout for migration statements: the longest the table's own queries queue behind a migration "
                    + "waiting for its lock; then the migration is rolled back and tried again. 0 turns this off.",
            DURATION, LockstepSettings::duration, LockstepConfiguration::ddlLockTimeout);

    public static final LockstepSetting<Duration> DDL_MAX_WAIT = new LockstepSetting<>("ddl.max-wait",
            Duration.class, Duration.ofMinutes(10), "10m",
            "How long a migration keeps retrying for its locks before the run fails, naming the blocking sessions.",
            DURATION, LockstepSettings::duration, LockstepConfiguration::ddlMaxWait);

    public static final LockstepSetting<String> BASELINE_VERSION = new LockstepSetting<>("baseline-version",
            String.class, null, null,
            "Adopts a database whose schema exists but has no tracker: the files up to this version are recorded "
                    + "as applied without running them, the later ones run. Refused when the tracker already records "
                    + "migrations. A whole number or a dotted version (1.5).",
            "a version, e.g. 42 or 1.5", Function.identity(), LockstepConfiguration::baselineVersion);

    public static final LockstepSetting<Integer> CONNECT_RETRIES = new LockstepSetting<>("connect-retries",
            Integer.class, 0, "0",
            "How many more times to try connecting when the database does not answer at startup (0: fail at once). "
                    + "Tries are one second apart at first and twice as long each time, up to "
                    + "connect-retries-interval.",
            "a whole number, 0 or more", Integer::valueOf, LockstepConfiguration::connectRetries);

    public static final LockstepSetting<Duration> CONNECT_RETRIES_INTERVAL = new LockstepSetting<>(
            "connect-retries-interval", Duration.class, Duration.ofSeconds(120), "120s",
            "Longest pause between two connect tries.",
            DURATION, LockstepSettings::duration, LockstepConfiguration::connectRetriesInterval);

    private static final List<LockstepSetting<?>> ALL = List.of(LOCATIONS, SCHEMA, TABLE, VERSIONS, CHECKSUM, LOCK_KEY,
            LOCK_TIMEOUT, LOCK_REPORT_INTERVAL, STATEMENT_TIMEOUT, DDL_LOCK_TIMEOUT, DDL_MAX_WAIT, BASELINE_VERSION,
            CONNECT_RETRIES, CONNECT_RETRIES_INTERVAL);

    private LockstepSettings() {
    }

    /** Every setting, in the order the documentation lists them. */
    public static List<LockstepSetting<?>> all() {
        return ALL;
    }

    /** The setting with this key ({@code lockstep.lock.timeout}) or name ({@code lock.timeout}). */
    public static Optional<LockstepSetting<?>> byKey(String key) {
        String name = key.startsWith(LockstepSetting.PREFIX) ? key.substring(LockstepSetting.PREFIX.length()) : key;
        return ALL.stream().filter(setting -> setting.name().equals(name)).findFirst();
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

    private static List<String> list(String text) {
        return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(part -> !part.isEmpty()).toList();
    }
}
