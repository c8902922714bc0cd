package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, without a server: mistakes must be one clear line, never a run or a stack trace. */
class OptionsTest {

    private static final List<String> SCENARIOS = List.of("fresh", "herd", "boot", "heap", "clone");

    @TempDir
    Path dir;

    @Test
    void helpIsAnOptionNotAFolder() throws Exception {
        assertThat(Options.parse(new String[] {"--help"}, SCENARIOS).help()).isTrue();
        assertThat(Options.parse(new String[] {"-h"}, SCENARIOS).folders()).isEmpty();
    }

    @Test
    void usageNamesEveryOptionAndScenario() {
        String usage = Options.usage(List.of(new FreshScenario(), new CloneScenario()));

        assertThat(usage).contains("--quick", "--rounds N", "--sizes", "--only", "--out DIR", "--help", "FOLDER",
                "Example:");
        assertThat(usage).containsPattern("(?m)^  fresh +fresh apply")
                .containsPattern("(?m)^  clone +a migrated database per test");
    }

    @Test
    void defaultsFollowQuick() throws Exception {
        Options full = Options.parse(new String[0], SCENARIOS);
        Options quick = Options.parse(new String[] {"--quick"}, SCENARIOS);

        assertThat(full.rounds()).isEqualTo(5);
        assertThat(full.sizes()).containsExactly(10, 100, 1_000, 5_000);
        assertThat(full.only()).isEqualTo(SCENARIOS);
        assertThat(quick.rounds()).isEqualTo(2);
        assertThat(quick.sizes()).containsExactly(10, 100);
    }

    @Test
    void readsValuesWithASpaceOrAnEqualsSign() throws Exception {
        Options options = Options.parse(new String[] {"--rounds=3", "--sizes", "10,1000", "--only", "clone",
                "--out", dir.toString(), dir.toString()}, SCENARIOS);

        assertThat(options.rounds()).isEqualTo(3);
        assertThat(options.sizes()).containsExactly(10, 1_000);
        assertThat(options.only()).containsExactly("clone");
        assertThat(options.out()).isEqualTo(dir);
        assertThat(options.folders()).containsExactly(dir);
    }

    @Test
    void theFleetsTenThousandTenantsAreOnlyMeasuredWhenAsked() throws Exception {
        assertThat(Options.parse(new String[0], SCENARIOS).fleet10k()).isFalse();
        assertThat(Options.parse(new String[] {"--only", "fleet", "--fleet-10k"}, List.of("fleet")).fleet10k())
                .isTrue();
        assertThat(Options.usage(List.of(new FleetScenario()))).contains("--fleet-10k")
                .containsPattern("(?m)^  fleet +many tenant schemas");
    }

    @Test
    void scenariosOutOfTheDefaultRunOnlyWhenNamed() throws Exception {
        List<String> all = List.of("fresh", "realset", "index");
        List<String> byDefault = List.of("fresh");

        assertThat(Options.parse(new String[0], all, byDefault).only()).containsExactly("fresh");
        assertThat(Options.parse(new String[] {"--only", "index"}, all, byDefault).only()).containsExactly("index");
        assertThat(Options.parse(new String[] {"--only", "realset,fresh"}, all, byDefault).only())
                .containsExactly("realset", "fresh");
        assertThat(Options.usage(List.of(new FreshScenario(), new RealSetScenario(), new IndexScenario())))
                .containsPattern("(?m)^  fresh +fresh apply.*[^)]$")
                .containsPattern("(?m)^  realset +.*\\(only with --only\\)$")
                .containsPattern("(?m)^  index +.*\\(only with --only\\)$");
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--fast"}, SCENARIOS))
                .isInstanceOf(Options.Invalid.class).hasMessage("unknown option --fast");
    }

    @Test
    void aBadValueNamesTheOptionAndAnExample() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--rounds", "many"}, SCENARIOS))
                .hasMessage("--rounds wants a whole number above 0, not 'many', e.g. --rounds 5");
        assertThatThrownBy(() -> Options.parse(new String[] {"--sizes", "100,,1000"}, SCENARIOS))
                .hasMessageStartingWith("--sizes wants a whole number above 0, not ''");
        assertThatThrownBy(() -> Options.parse(new String[] {"--rounds"}, SCENARIOS))
                .hasMessage("--rounds needs a value, e.g. --rounds 5");
        assertThatThrownBy(() -> Options.parse(new String[] {"--only", "fresh,clones"}, SCENARIOS))
                .hasMessage("--only has no scenario 'clones'; choose from fresh,herd,boot,heap,clone");
    }

    @Test
    void aFolderThatIsNotThereIsRefusedBeforeTheRun() {
        assertThatThrownBy(() -> Options.parse(new String[] {dir.resolve("missing").toString()}, SCENARIOS))
                .isInstanceOf(Options.Invalid.class).hasMessageContaining("no folder");
    }
}
