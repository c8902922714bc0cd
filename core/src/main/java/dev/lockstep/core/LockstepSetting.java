package dev.lockstep.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting, written down once: its property key, its type, its default and what it means, how to
 * read it from text and what makes a value wrong. Spring Boot's properties, the command line (flags,
 * {@code LOCKSTEP_*} variables, {@code lockstep.properties}), the Maven plugin and
 * {@code lockstep-test} all read the same entry ({@link LockstepSettings} lists them), and
 * {@link LockstepConfiguration} holds values by entry.
 *
 * @param <T> the value's type, as the configuration takes it
 */
public final class LockstepSetting<T> {

    /** The prefix of every key, as Spring Boot binds it. */
    public static final String PREFIX = "lockstep.";

    /** Who reads a setting: every engine, the connection a tool opens, or a fleet of tenants. */
    public enum Group {
        /** How an engine migrates: every entry point, and each named target may override it. */
        ENGINE,
        /** Where a tool connects: the command line and the Maven plugin; Spring Boot builds its DataSource itself. */
        CONNECTION,
        /** Which tenants and how they run: read by {@link LockstepFleet}. */
        FLEET
    }

    /** What makes a value wrong, said without the key (the exception names it); empty when it is fine. */
    @FunctionalInterface
    interface Check<T> {
        Optional<String> problem(T value);
    }

    private final String name;
    private final Class<?> type;
    private final Optional<T> defaultValue;
    private final Optional<String> defaultText;
    private final String description;
    private final String expected;
    private final Function<String, T> parse;
    private final Check<T> check;
    private final Group group;
    private final List<String> aliases;

    LockstepSetting(String name, Class<?> type, T defaultValue, String defaultText, String description,
            String expected, Function<String, T> parse, Check<T> check, Group group, List<String> aliases) {
        this.name = name;
        this.type = type;
        this.defaultValue = Optional.ofNullable(defaultValue);
        this.defaultText = Optional.ofNullable(defaultText);
        this.description = description;
        this.expected = expected;
        this.parse = parse;
        this.check = check;
        this.group = group;
        this.aliases = List.copyOf(aliases);
    }

    /** Its name without the prefix, as the command line's flag names it: {@code ddl.lock-timeout}. */
    public String name() {
        return name;
    }

    /** Its property key: {@code lockstep.ddl.lock-timeout}. */
    public String key() {
        return PREFIX + name;
    }

    /** The type of its value: {@code Duration}, {@code String}, {@code Integer}, {@code List}, {@code Map}, an enum. */
    public Class<?> type() {
        return type;
    }

    /** The value when it is not set; empty where unset means something else (the server's, the connection's). */
    public Optional<T> defaultValue() {
        return defaultValue;
    }

    /** The default as it is written in a properties file and as Spring Boot's metadata shows it: {@code 10m}. */
    public Optional<String> defaultText() {
        return defaultText;
    }

    /** One sentence: what it does. */
    public String description() {
        return description;
    }

    /** What a value looks like, for errors: {@code a duration such as 250ms, 10s, 5m or 1h}. */
    public String expected() {
        return expected;
    }

    /** Who reads it. */
    public Group group() {
        return group;
    }

    /** The command line's shorter names for it, kept from before the catalog held it: {@code tenants-query}. */
    public List<String> aliases() {
        return aliases;
    }

    /** Gives the configuration this value (which the configuration checks when it loads). */
    public void apply(LockstepConfiguration configuration, T value) {
        configuration.set(this, value);
    }

    /**
     * Reads the value from text, as a properties file, a command-line flag or an environment
     * variable writes it, and gives it to the configuration.
     *
     * @throws LockstepConfigurationException naming the key and what a value looks like
     */
    public void applyText(LockstepConfiguration configuration, String text) {
        apply(configuration, parse(text));
    }

    /** @throws LockstepConfigurationException naming the key and what a value looks like */
    public T parse(String text) {
        try {
            return parse.apply(text.strip());
        } catch (RuntimeException e) {
            throw new LockstepConfigurationException(key(), "'" + text + "' cannot be read: give " + expected);
        }
    }

    /**
     * The value, checked.
     *
     * @throws LockstepConfigurationException naming the key, what is wrong and what a value looks like
     */
    T checked(T value) {
        Optional<String> problem = check.problem(value);
        if (problem.isPresent()) {
            throw new LockstepConfigurationException(key(), problem.get());
        }
        return value;
    }

    @Override
    public String toString() {
        return key();
    }
}
