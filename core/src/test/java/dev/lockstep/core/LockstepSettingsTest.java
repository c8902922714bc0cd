package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The catalog of the engine's settings, read as text the way Spring Boot reads properties. */
class LockstepSettingsTest {

    @Test
    void eachSettingHasOneKeyADescriptionAndADefaultOfItsType() {
        assertThat(LockstepSettings.all()).extracting(LockstepSetting::key).doesNotHaveDuplicates()
                .allMatch(key -> key.startsWith("lockstep."));
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            assertThat(setting.description()).as(setting.key()).endsWith(".");
            setting.defaultValue().ifPresent(value -> assertThat(value).as(setting.key()).isInstanceOf(setting.type()));
            assertThat(setting.defaultText().isPresent()).as(setting.key()).isEqualTo(setting.defaultValue().isPresent());
            setting.defaultText().ifPresent(text -> assertThat(setting.parse(text)).as("%s's default, read back",
                    setting.key()).isEqualTo(setting.defaultValue().get()));
        }
        assertThat(new HashSet<>(LockstepSettings.all())).hasSize(41);
        assertThat(LockstepSettings.all()).flatExtracting(LockstepSetting::aliases)
                .containsExactly("tenants", "tenants-query", "tenant-url-template", "parallelism", "canaries",
                        "on-failure");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            250        | PT0.25S
            250ms      | PT0.25S
            10s        | PT10S
            5m         | PT5M
            1h         | PT1H
            2d         | PT48H
            10 s       | PT10S
            PT1M30S    | PT1M30S
            """)
    void durationsReadAsSpringBootReadsThem(String text, String expected) {
        assertThat(LockstepSettings.LOCK_TIMEOUT.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void aValueThatCannotBeReadNamesTheKeyAndWhatAValueLooksLike() {
        assertThatThrownBy(() -> LockstepSettings.DDL_MAX_WAIT.parse("soon"))
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.ddl.max-wait"))
                .hasMessageContaining("'soon' cannot be read: give a duration such as 250ms, 10s, 5m or 1h");
        assertThatThrownBy(() -> LockstepSettings.VERSIONS.parse("some")).hasMessageContaining("unique or shared");
        assertThatThrownBy(() -> LockstepSettings.LOCK_KEY.parse("12x")).hasMessageContaining("a whole number");
    }

    @Test
    void settingsAreFoundByKeyWithOrWithoutThePrefix() {
        assertThat(LockstepSettings.byKey("lockstep.lock.timeout")).contains(LockstepSettings.LOCK_TIMEOUT);
        assertThat(LockstepSettings.byKey("lock.timeout")).contains(LockstepSettings.LOCK_TIMEOUT);
        assertThat(LockstepSettings.byKey("lockstep.run-at")).as("Spring Boot's, not the engine's").isEmpty();
        assertThat(LockstepSettings.LOCATIONS.parse(" classpath:a , filesystem:/b,")).isEqualTo(
                List.of("classpath:a", "filesystem:/b"));
        assertThat(LockstepSettings.VERSIONS.parse("Shared")).isEqualTo(VersionsMode.SHARED);
    }

    @Test
    void aConfigurationTakesSettingsAsTextAndNamesAnUnknownKey(@TempDir Path dir) {
        assertThatThrownBy(() -> Lockstep.configure().settings(Map.of("lockstep.lock.timeuot", "5s")))
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.lock.timeuot"))
                .hasMessageContaining("is no Lockstep setting (did you mean lockstep.lock.timeout?); the settings are "
                        + "lockstep.locations, ");
        assertThatThrownBy(() -> Lockstep.configure().settings(Map.of("lock.timeuot", "5s")))
                .hasMessageContaining("lock.timeuot: is no Lockstep setting (did you mean lock.timeout?)");
        assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase())
                .settings(Map.of("lockstep.locations", "filesystem:" + dir, "lockstep.lock.report-interval", "0s"))
                .load())
                .isInstanceOf(LockstepConfigurationException.class)
                .hasMessageContaining("lockstep.lock.report-interval");
    }
}
