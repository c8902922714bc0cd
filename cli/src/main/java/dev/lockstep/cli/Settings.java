package dev.lockstep.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The command line's settings, with the names of the Spring Boot properties: a flag
 * {@code --locations=...} (or {@code --lockstep.locations=...}), else the environment variable
 * {@code LOCKSTEP_LOCATIONS}, else {@code lockstep.locations} in the properties file
 * ({@code --config=FILE}, by default {@code ./lockstep.properties} when it exists).
 */
final class Settings {

    /** Every setting, without the {@code lockstep.} prefix, with what it means, for {@code --help}. */
    static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("url", "JDBC URL of the database, e.g. jdbc:postgresql://db:5432/orders (required)");
        KNOWN.put("user", "login user");
        KNOWN.put("password", "login password");
        KNOWN.put("locations", "comma-separated folders of migrations (default classpath:db/migrations; use filesystem:/path)");
        KNOWN.put("schema", "schema of the tracker table (default: the connection's current schema)");
        KNOWN.put("table", "the tracker table (default lockstep_applied_migrations)");
        KNOWN.put("versions", "unique (default) or shared");
        KNOWN.put("checksum", "an applied file that changed: fail (default), warn or ignore");
        KNOWN.put("lock.key", "advisory lock key (default: a hash of schema.table)");
        KNOWN.put("lock.timeout", "how long to wait for another runner's lock (default 10m)");
        KNOWN.put("lock.report-interval", "how often to report who holds the lock while waiting (default 10s)");
        KNOWN.put("statement-timeout", "statement_timeout for each migration statement (default: the server's)");
        KNOWN.put("ddl.lock-timeout", "lock_timeout for migration statements, retried within ddl.max-wait (default 1s; 0 off)");
        KNOWN.put("ddl.max-wait", "how long a migration retries for its locks (default 10m)");
        KNOWN.put("baseline-version", "record files up to this version as applied without running them, on a database "
                + "with no tracker");
        KNOWN.put("connect-retries", "more tries to connect when the database does not answer (default 0)");
        KNOWN.put("connect-retries-interval", "longest pause between connect tries (default 120s)");
    }

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param flags {@code --name=value} pairs from the command line, prefix already removed
     * @param environment the process environment
     * @throws UsageException for an unknown setting or an unreadable properties file
     */
    static Settings resolve(Map<String, String> flags, Map<String, String> environment) {
        for (String name : flags.keySet()) {
            if (!KNOWN.containsKey(name) && !name.equals("config")) {
                throw new UsageException("unknown option --" + name + "; see --help for the settings");
            }
        }
        Map<String, String> file = fromFile(flags.get("config"));
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : KNOWN.keySet()) {
            String value = flags.get(name);
            if (value == null) {
                value = environment.get(variable(name));
            }
            if (value == null) {
                value = file.get(name);
            }
            if (value != null) {
                values.put(name, value.strip());
            }
        }
        return new Settings(values);
    }

    /** {@code ddl.lock-timeout} → {@code LOCKSTEP_DDL_LOCK_TIMEOUT}, as Spring Boot binds environment variables. */
    static String variable(String name) {
        return "LOCKSTEP_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> fromFile(String path) {
        Path file = Path.of(path != null ? path : "lockstep.properties");
        if (path == null && !Files.exists(file)) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UsageException("cannot read the properties file " + file.toAbsolutePath() + ": " + e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            String name = key.startsWith("lockstep.") ? key.substring("lockstep.".length()) : key;
            if (!KNOWN.containsKey(name)) {
                throw new UsageException(file + ": unknown setting '" + key + "'; see --help for the settings");
            }
            values.put(name, properties.getProperty(key));
        }
        return values;
    }

    String get(String name) {
        return values.get(name);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw new UsageException("no database: give --" + name + "=jdbc:postgresql://host:5432/db, or set "
                    + variable(name) + ", or lockstep." + name + " in lockstep.properties");
        }
        return value;
    }

    List<String> list(String name) {
        String value = values.get(name);
        return value == null ? List.of() : List.of(value.split("\\s*,\\s*"));
    }
}
