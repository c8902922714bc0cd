package dev.lockstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Users copy README.md's dependency snippet verbatim: it must name a jar (no {@code <type>}), the
 * starter must be packaged as one, and this sample must depend on it the same way. The sample's
 * build resolving the starter without a {@code <type>} is the other half of this check.
 */
class StarterDependencyTests {

    private static final Path ROOT = Path.of("..");

    @Test
    void theReadmeSnippetTheStarterAndTheSampleAgree() throws Exception {
        Matcher snippet = Pattern.compile("<dependency>\\s*<groupId>dev\\.lockstep</groupId>\\s*"
                + "<artifactId>lockstep-spring-boot-starter</artifactId>(.*?)</dependency>", Pattern.DOTALL)
                .matcher(Files.readString(ROOT.resolve("README.md")));
        assertThat(snippet.find()).as("README.md shows the starter dependency").isTrue();
        assertThat(snippet.group(1)).doesNotContain("<type>").contains("<version>");

        String starter = Files.readString(ROOT.resolve("starter/pom.xml"));
        assertThat(starter).as("the starter is a jar, Maven's default packaging").doesNotContain("<packaging>");

        String sample = Files.readString(ROOT.resolve("sample-app/pom.xml"));
        Matcher used = Pattern.compile("<artifactId>lockstep-spring-boot-starter</artifactId>(.*?)</dependency>",
                Pattern.DOTALL).matcher(sample);
        assertThat(used.find()).isTrue();
        assertThat(used.group(1)).doesNotContain("<type>");
    }
}
