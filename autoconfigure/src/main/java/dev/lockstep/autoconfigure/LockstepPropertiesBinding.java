package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.core.env.Environment;

/**
 * Hands the engine every setting of {@link LockstepSettings} from the bound properties, found by the
 * setting's key ({@code lockstep.ddl.lock-timeout} is the property {@code ddl.lockTimeout}): the
 * settings are listed once, in the catalog, and not mapped one by one here. {@code lockstep.*} gives
 * every engine its settings; a named target's {@code lockstep.targets.<name>.*} overrides any of
 * them, and its fleet's, under the same names. Tests hold {@link LockstepProperties} and
 * {@link TargetProperties} to the catalog's keys and types. The connection settings are Spring Boot's
 * to turn into a DataSource ({@code MigrationDataSource}), so they are not handed over.
 */
final class LockstepPropertiesBinding {

    private LockstepPropertiesBinding() {
    }

    /** The engine's settings (and placeholders) from {@code lockstep.*}. */
    static void apply(LockstepProperties properties, LockstepConfiguration configuration) {
        BeanWrapper bound = PropertyAccessorFactory.forBeanPropertyAccess(properties);
        for (LockstepSetting<?> setting : LockstepSettings.of(LockstepSetting.Group.ENGINE)) {
            apply(setting, bound.getPropertyValue(propertyPath(setting)), configuration);
        }
    }

    /**
     * The login drift's replay uses for its scratch database, on the server of the DataSource it
     * migrates: {@code lockstep.user} and {@code lockstep.password}, else {@code spring.datasource.username}
     * and {@code spring.datasource.password}. The migrations' own connections still come from the
     * DataSource; without these the replay would log in with no password.
     */
    static void scratchLogin(LockstepProperties properties, Environment environment,
            LockstepConfiguration configuration) {
        String user = properties.getUser() != null ? properties.getUser()
                : environment.getProperty("spring.datasource.username");
        String password = properties.getPassword() != null ? properties.getPassword()
                : environment.getProperty("spring.datasource.password");
        if (user != null) {
            configuration.set(LockstepSettings.USER, user);
        }
        if (password != null) {
            configuration.set(LockstepSettings.PASSWORD, password);
        }
    }

    /**
     * A named target's settings: {@code lockstep.*}, then what the target sets itself; with tenants,
     * the fleet's from {@code lockstep.fleet.*} and the target's {@code tenants.*} and {@code fleet.*}.
     * Placeholders add to {@code lockstep.placeholders}.
     */
    static void applyTarget(LockstepProperties properties, TargetProperties target,
            LockstepConfiguration configuration) {
        apply(properties, configuration);
        BeanWrapper global = PropertyAccessorFactory.forBeanPropertyAccess(properties);
        BeanWrapper own = PropertyAccessorFactory.forBeanPropertyAccess(target);
        boolean fleet = target.hasTenants();
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            String path = propertyPath(setting);
            if (setting.group() == LockstepSetting.Group.CONNECTION
                    || setting.group() == LockstepSetting.Group.FLEET && !fleet) {
                continue;
            }
            if (setting.group() == LockstepSetting.Group.FLEET && global.isReadableProperty(path)) {
                apply(setting, global.getPropertyValue(path), configuration);
            }
            Object value = own.getPropertyValue(path);
            if (setting == LockstepSettings.PLACEHOLDERS) {
                Map<String, String> merged = new LinkedHashMap<>(properties.getPlaceholders());
                merged.putAll(target.getPlaceholders());
                configuration.placeholders(merged);
            } else if (isSet(value)) {
                apply(setting, value, configuration);
            }
        }
        if (target.getLockKey() != null) {
            configuration.lockKey(target.getLockKey()); // lock-key, the older name of lock.key
        }
        if (fleet && target.getSchema() == null && !target.getTenants().databasePerTenant()) {
            // lockstep.schema is the main set's tracker schema; a schema tenant's tracker is in its own schema.
            configuration.set(LockstepSettings.SCHEMA, null);
        }
    }

    /** A target's property that says something: not null, not an empty list. */
    private static boolean isSet(Object value) {
        return value != null && !(value instanceof Collection<?> collection && collection.isEmpty());
    }

    /** The bean property path of a setting: {@code lock.report-interval} is {@code lock.reportInterval}. */
    static String propertyPath(LockstepSetting<?> setting) {
        StringBuilder path = new StringBuilder();
        boolean upper = false;
        for (char c : setting.name().toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                path.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return path.toString();
    }

    @SuppressWarnings("unchecked") // the property's type is the setting's: LockstepPropertiesBindingTests
    private static <T> void apply(LockstepSetting<T> setting, Object value, LockstepConfiguration configuration) {
        setting.apply(configuration, (T) value);
    }
}
