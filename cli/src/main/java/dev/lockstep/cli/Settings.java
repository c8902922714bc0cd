package dev.lockstep.cli;

import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The command line's settings: every entry of the catalog ({@link LockstepSettings}), named as the
 * Spring Boot properties without {@code lockstep.}: a flag {@code --locations=...} (or
 * {@code --lockstep.locations=...}, or an entry's shorter name such as {@code --tenants}), else the
 * environment variable {@code LOCKSTEP_LOCATIONS}, else {@code lockstep.locations} in the properties
 * file ({@code --config=FILE}, by default {@code ./lockstep.properties} when it exists). A
 * placeholder's value is {@code --placeholders.<name>=value}. Nothing is declared here: the catalog
 * says what each setting is, how it is read and what makes it wrong.
 */
final class Settings {

    private static final String PLACEHOLDER = LockstepSettings.PLACEHOLDERS.name() + ".";

    /** The settings by their names; a placeholder by {@code placeholders.<name>}. */
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
        Map<String, String> values = new LinkedHashMap<>();
        fromFile(flags.get("config")).forEach((name, value) -> values.put(name, value));
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            String variable = environment.get(variable(setting.name()));
            if (variable != null) {
                values.put(setting.name(), variable);
            }
        }
        environment.forEach((variable, value) -> {
            String prefix = "LOCKSTEP_" + PLACEHOLDER.toUpperCase(Locale.ROOT).replace('.', '_');
            if (variable.startsWith(prefix)) {
                values.put(PLACEHOLDER + variable.substring(prefix.length()).toLowerCase(Locale.ROOT), value);
            }
        });
        flags.forEach((name, value) -> {
            if (!name.equals("config")) {
                values.put(canonical(name, near -> "unknown option --" + name + near.map(n -> " (did you mean --" + n
                        + "?)").orElse("") + "; see --help for the settings"), value);
            }
        });
        values.replaceAll((name, value) -> value.strip());
        return new Settings(values);
    }

    /**
     * The catalog's name for a name a user wrote (an entry's name or alias, or a placeholder).
     *
     * @param unknown the message for a name that is none, given the known name nearest to it
     */
    private static String canonical(String name, Function<Optional<String>, String> unknown) {
        if (name.startsWith(PLACEHOLDER) && name.length() > PLACEHOLDER.length()) {
            return name;
        }
        return LockstepSettings.byKey(name).filter(s -> s != LockstepSettings.PLACEHOLDERS)
                .orElseThrow(() -> new UsageException(unknown.apply(LockstepSettings.nearestName(name)))).name();
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
            String name = key.startsWith(LockstepSetting.PREFIX) ? key.substring(LockstepSetting.PREFIX.length()) : key;
            values.put(canonical(name, near -> file + ": unknown setting '" + key + "'" + near.map(n -> " (did you "
                    + "mean " + LockstepSetting.PREFIX + n + "?)").orElse("") + "; see --help for the settings"),
                    properties.getProperty(key));
        }
        return values;
    }

    /** Every setting that was given, by the catalog's name, for {@code LockstepConfiguration.settings}. */
    Map<String, String> values() {
        return values;
    }

    String get(String name) {
        return values.get(name);
    }
}
