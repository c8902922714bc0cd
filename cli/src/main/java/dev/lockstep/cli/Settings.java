package dev.lockstep.cli;

import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
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

    /**
     * Every setting, without the {@code lockstep.} prefix, with what it means, for {@code --help}:
     * the database, then the engine's settings as {@link LockstepSettings} lists them.
     */
    static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("url", "JDBC URL of the database, e.g. jdbc:postgresql://db:5432/orders (required)");
        KNOWN.put("user", "login user");
        KNOWN.put("password", "login password");
        KNOWN.put("tenants", "tenants, comma-separated: every command runs in each tenant (schema-per-tenant "
                + "unless --tenant-url-template)");
        KNOWN.put("tenants-query", "a query on --url whose first column lists the tenants, instead of --tenants");
        KNOWN.put("tenant-url-template", "database-per-tenant: a tenant's JDBC URL, ${tenant} for its name");
        KNOWN.put("parallelism", "tenants migrated at once (default 4)");
        KNOWN.put("canaries", "how many tenants (the first) migrate first; a failed one stops the rest (default 0)");
        KNOWN.put("on-failure", "stop-on-first-failure (default) or continue");
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            KNOWN.put(setting.name(), setting.description()
                    + setting.defaultText().map(value -> " (default " + value + ")").orElse(""));
        }
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
