package dev.lockstep.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.internal.sql.FileProblem;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {

    private final Placeholders values = Placeholders.of(Map.of("tenant", "acme", "app_role", "shop_app"));

    @Test
    void eachNameIsReplacedWhereverItStands() {
        assertThat(values.apply("GRANT SELECT ON ${tenant}.accounts TO ${app_role};\nCOMMENT ON x IS '${tenant}';"))
                .isEqualTo("GRANT SELECT ON acme.accounts TO shop_app;\nCOMMENT ON x IS 'acme';");
    }

    @Test
    void withNoValuesNothingIsReplacedSoOlderFilesKeepTheirMeaning() {
        assertThat(Placeholders.NONE.apply("SELECT '${not_a_placeholder}';")).isEqualTo("SELECT '${not_a_placeholder}';");
    }

    @Test
    void aNameWithoutAValueNamesTheLineAndTheNamesThereAre() {
        assertThatThrownBy(() -> values.apply("CREATE TABLE t (id int);\n\nGRANT SELECT ON t TO ${reader};"))
                .isInstanceOf(FileProblem.class)
                .hasMessageContaining("${reader} has no value; the placeholders are [app_role, tenant]")
                .satisfies(e -> assertThat(((FileProblem) e).line()).isEqualTo(3));
    }

    @Test
    void anOpeningWithoutItsCloseOnTheLineIsAnError() {
        assertThatThrownBy(() -> values.apply("SELECT 1;\nSELECT '${tenant';\n}"))
                .isInstanceOf(FileProblem.class).hasMessageContaining("not closed")
                .satisfies(e -> assertThat(((FileProblem) e).line()).isEqualTo(2));
    }

    @Test
    void moreValuesWinOverTheOnesBefore() {
        assertThat(values.with(Map.of("tenant", "globex")).apply("${tenant}")).isEqualTo("globex");
    }
}
