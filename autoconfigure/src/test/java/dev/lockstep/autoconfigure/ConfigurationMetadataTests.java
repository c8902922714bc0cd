package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** IDEs complete and explain every property from the generated metadata. */
class ConfigurationMetadataTests {

    @Test
    void everyPropertyIsInTheGeneratedMetadataWithADescription() throws Exception {
        Map<String, JsonNode> properties = metadata();

        assertThat(properties).containsKeys("lockstep.enabled", "lockstep.locations", "lockstep.schema",
                "lockstep.table", "lockstep.versions", "lockstep.checksum", "lockstep.lock.key",
                "lockstep.lock.timeout", "lockstep.lock.report-interval", "lockstep.statement-timeout",
                "lockstep.fail-on-error", "lockstep.run-at", "lockstep.url", "lockstep.user", "lockstep.password",
                "management.health.lockstep.enabled");
        properties.forEach((name, property) -> {
            if (name.startsWith("lockstep.") || name.contains(".lockstep.")) {
                assertThat(property.path("description").asString()).as(name).isNotBlank();
            }
        });
        assertThat(properties.get("lockstep.lock.timeout").path("defaultValue").asString()).isEqualTo("10m");
        assertThat(properties.get("lockstep.run-at").path("defaultValue").asString()).isEqualTo("context-refresh");
        assertThat(properties.get("lockstep.locations").path("defaultValue").get(0).asString())
                .isEqualTo("classpath:db/migrations");
    }

    /** The catalog is the one list of the engine's settings: the IDE shows each with the catalog's default. */
    @Test
    void theMetadataShowsEveryEngineSettingWithTheCatalogsTypeAndDefault() throws Exception {
        Map<String, JsonNode> properties = metadata();
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            if (setting.name().startsWith("tenants.")) {
                continue; // a target's: lockstep.targets.<name>.tenants.*
            }
            JsonNode property = properties.get(setting.key());

            assertThat(property).as(setting.key()).isNotNull();
            assertThat(property.path("type").asString()).as("%s's type", setting.key())
                    .startsWith(setting.type().getName());
            JsonNode shown = property.path("defaultValue");
            String shownText = shown.isArray() ? shown.get(0).asString() : shown.isMissingNode() ? null : shown.asString();
            if (setting != LockstepSettings.FLEET_PARALLELISM) { // Boot's: 4, capped at half the pool
                assertThat(Optional.ofNullable(shownText)).as("%s's default", setting.key())
                        .isEqualTo(setting.defaultText());
            }
        }
    }

    /** The reference page users read lists every property the IDE completes. */
    @Test
    void everyPropertyInTheMetadataIsOnThePropertiesPage() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "spring-boot.md"));

        assertThat(metadata().keySet()).filteredOn(name -> name.startsWith("lockstep."))
                .allSatisfy(name -> assertThat(page).as("docs/spring-boot.md lists %s", name)
                        .contains("| `" + name + "` |"));
    }

    private Map<String, JsonNode> metadata() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            return JsonMapper.builder().build().readTree(in).path("properties").valueStream()
                    .collect(Collectors.toMap(p -> p.path("name").asString(), p -> p));
        }
    }
}
