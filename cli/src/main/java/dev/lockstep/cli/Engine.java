package dev.lockstep.cli;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.VersionsMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;

/** The engine the settings describe, on an unpooled connection of the command's own. */
final class Engine {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private Engine() {
    }

    static Lockstep build(Settings settings, LockstepListener progress) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        String url = settings.required("url");
        try {
            dataSource.setURL(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url='" + url + "' is no PostgreSQL JDBC URL (" + e.getMessage()
                    + "); write jdbc:postgresql://host:5432/database");
        }
        if (settings.get("user") != null) {
            dataSource.setUser(settings.get("user"));
        }
        if (settings.get("password") != null) {
            dataSource.setPassword(settings.get("password"));
        }
        LockstepConfiguration configuration = Lockstep.configure().dataSource(dataSource).runnerName("lockstep-cli")
                .classLoader(Engine.class.getClassLoader()).listener(progress);
        if (!settings.list("locations").isEmpty()) {
            configuration.locations(settings.list("locations"));
        }
        configuration.schema(settings.get("schema"));
        set(settings, "table", v -> v, configuration::table);
        set(settings, "versions", v -> VersionsMode.valueOf(v.toUpperCase(Locale.ROOT)), configuration::versions);
        set(settings, "checksum", v -> ChecksumPolicy.valueOf(v.toUpperCase(Locale.ROOT)), configuration::checksum);
        set(settings, "lock.key", Long::parseLong, configuration::lockKey);
        set(settings, "lock.timeout", Engine::duration, configuration::lockTimeout);
        set(settings, "lock.report-interval", Engine::duration, configuration::reportInterval);
        set(settings, "statement-timeout", Engine::duration, configuration::statementTimeout);
        set(settings, "ddl.lock-timeout", Engine::duration, configuration::ddlLockTimeout);
        set(settings, "ddl.max-wait", Engine::duration, configuration::ddlMaxWait);
        configuration.baselineVersion(settings.get("baseline-version"));
        set(settings, "connect-retries", Integer::parseInt, configuration::connectRetries);
        set(settings, "connect-retries-interval", Engine::duration, configuration::connectRetriesInterval);
        return configuration.load();
    }

    private static <T> void set(Settings settings, String name, Function<String, T> parse,
            java.util.function.Consumer<T> setter) {
        String value = settings.get(name);
        if (value == null) {
            return;
        }
        try {
            setter.accept(parse.apply(value));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new UsageException("--" + name + "='" + value + "' cannot be read: " + hint(name));
        }
    }

    private static String hint(String name) {
        return switch (name) {
            case "versions" -> "use unique or shared";
            case "checksum" -> "use fail, warn or ignore";
            case "lock.key", "baseline-version", "connect-retries" -> "give a whole number";
            default -> "give a duration such as 250ms, 10s, 5m or 1h";
        };
    }

    /** As Spring Boot reads durations: a number with an optional unit (milliseconds without one), or ISO-8601. */
    static Duration duration(String value) {
        Matcher simple = SIMPLE_DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            String unit = simple.group(2) == null ? "ms" : simple.group(2);
            return switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofMillis(amount);
            };
        }
        return Duration.parse(value.strip());
    }
}
