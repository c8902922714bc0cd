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

    @Test
    void everySettingOfTheCatalogIsAPropertyOfItsTypeWithItsDefault() {
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            String path = LockstepPropertiesBinding.propertyPath(setting);

            assertThat(properties.isWritableProperty(path)).as("%s (%s) is a property", setting.key(), path).isTrue();
            assertThat(ClassUtils.resolvePrimitiveIfNecessary(properties.getPropertyType(path)))
                    .as("%s's type", setting.key()).isEqualTo(setting.type());
            assertThat(Optional.ofNullable(properties.getPropertyValue(path))).as("%s's default", setting.key())
                    .isEqualTo(setting.defaultValue());
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
