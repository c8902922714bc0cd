package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.util.ClassUtils;

/** The engine's settings reach it from Spring Boot's properties by their catalog keys, with the catalog's defaults. */
class LockstepPropertiesBindingTests {

    private final BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(new LockstepProperties());

    /**
     * lockstep.* holds every engine and connection setting with the catalog's default, and the fleet's
     * fleet.* (tenants.* are a target's). Boot's fleet.parallelism has no default of its own: unset, it is
     * the catalog's 4, capped at half the pool.
     */
    @Test
    void everySettingOfTheCatalogIsAPropertyOfItsTypeWithItsDefault() {
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            String path = LockstepPropertiesBinding.propertyPath(setting);
            if (setting.name().startsWith("tenants.")) {
                assertThat(properties.isReadableProperty(path)).as("%s is a target's", setting.key()).isFalse();
                continue;
            }
            assertThat(properties.isWritableProperty(path)).as("%s (%s) is a property", setting.key(), path).isTrue();
            assertThat(ClassUtils.resolvePrimitiveIfNecessary(properties.getPropertyType(path)))
                    .as("%s's type", setting.key()).isEqualTo(setting.type());
            if (setting != LockstepSettings.FLEET_PARALLELISM) {
                Object value = properties.getPropertyValue(path);
                boolean none = value == null || value instanceof java.util.Collection<?> c && c.isEmpty()
                        || value instanceof java.util.Map<?, ?> m && m.isEmpty();
                assertThat(none ? Optional.empty() : Optional.of(value)).as("%s's default", setting.key())
                        .isEqualTo(setting.defaultValue());
            }
        }
    }

    /** A named target may set any engine or fleet setting, under the same name, of the same type, unset by default. */
    @Test
    void aTargetHasEveryEngineAndFleetSettingUnsetSoItInheritsLockstepStar() {
        BeanWrapper target = PropertyAccessorFactory.forBeanPropertyAccess(new TargetProperties());
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            if (setting.group() == LockstepSetting.Group.CONNECTION) {
                continue;
            }
            String path = LockstepPropertiesBinding.propertyPath(setting);
            assertThat(target.isWritableProperty(path)).as("lockstep.targets.x.%s (%s)", setting.name(), path).isTrue();
            assertThat(ClassUtils.resolvePrimitiveIfNecessary(target.getPropertyType(path)))
                    .as("%s's type", setting.key()).isEqualTo(setting.type());
            Object value = target.getPropertyValue(path);
            assertThat(value == null || value instanceof java.util.Collection<?> c && c.isEmpty()
                    || value instanceof java.util.Map<?, ?> m && m.isEmpty()).as("%s unset", setting.name()).isTrue();
        }
    }

    @Test
    void aSettingsKeyIsItsPropertyPath() {
        assertThat(LockstepPropertiesBinding.propertyPath(LockstepSettings.LOCK_REPORT_INTERVAL))
                .isEqualTo("lock.reportInterval");
        assertThat(LockstepPropertiesBinding.propertyPath(LockstepSettings.CONNECT_RETRIES_INTERVAL))
                .isEqualTo("connectRetriesInterval");
        assertThat(LockstepPropertiesBinding.propertyPath(LockstepSettings.TABLE)).isEqualTo("table");
    }
}
