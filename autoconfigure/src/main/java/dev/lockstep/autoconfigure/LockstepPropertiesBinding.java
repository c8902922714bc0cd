package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;

/**
 * Hands the engine every setting of {@link LockstepSettings} from the bound {@link LockstepProperties},
 * found by the setting's key ({@code lockstep.ddl.lock-timeout} is the property
 * {@code ddl.lockTimeout}): the engine's settings are listed once, in the catalog, and not mapped
 * one by one here. A test holds the properties' keys, types and defaults to the catalog's.
 */
final class LockstepPropertiesBinding {

    private LockstepPropertiesBinding() {
    }

    static void apply(LockstepProperties properties, LockstepConfiguration configuration) {
        BeanWrapper bound = PropertyAccessorFactory.forBeanPropertyAccess(properties);
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            apply(setting, bound.getPropertyValue(propertyPath(setting)), configuration);
        }
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
