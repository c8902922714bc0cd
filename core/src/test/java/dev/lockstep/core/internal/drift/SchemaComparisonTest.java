package dev.lockstep.core.internal.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.Drift;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaComparisonTest {

    @Test
    void anObjectIsItsKindAndNameQuotesAndArgumentListsKeptWhole() {
        assertThat(SchemaComparison.objectOf("column orders.total numeric(10,2) NOT NULL")).isEqualTo("column orders.total");
        assertThat(SchemaComparison.objectOf("column \"Order Lines\".\"a b\" text")).isEqualTo("column \"Order Lines\".\"a b\"");
        assertThat(SchemaComparison.objectOf("index orders_owner: CREATE INDEX orders_owner ON orders USING btree (owner)"))
                .isEqualTo("index orders_owner");
        assertThat(SchemaComparison.objectOf("view v WITH (security_invoker=true): SELECT 1")).isEqualTo("view v");
        assertThat(SchemaComparison.objectOf("function f(a integer, \"b)\" text) returns integer md5 0a"))
                .isEqualTo("function f(a integer, \"b)\" text)");
        assertThat(SchemaComparison.objectOf("procedure p() md5 0a")).isEqualTo("procedure p()");
        assertThat(SchemaComparison.objectOf("grant SELECT on orders to reader")).isEqualTo("grant SELECT on orders to reader");
        assertThat(SchemaComparison.objectOf("rls orders: ENABLE ROW LEVEL SECURITY"))
                .isEqualTo("rls orders: ENABLE ROW LEVEL SECURITY");
    }

    @Test
    void linesOfOneObjectPairAsOneChangeAndTheIgnoreListMatchesObjects() {
        SchemaComparison.Result result = SchemaComparison.compare(
                List.of("column t.a integer", "index t_a: CREATE INDEX t_a ON t (a)", "table t"),
                List.of("column t.a bigint", "index t_b_hotfix: CREATE INDEX t_b_hotfix ON t (b)",
                        "index t_c: CREATE INDEX t_c ON t (c)", "table t"),
                List.of("index *_hotfix"));

        assertThat(result.differences()).extracting(Drift.Difference::sign, Drift.Difference::object)
                .containsExactly(org.assertj.core.groups.Tuple.tuple('~', "column t.a"),
                        org.assertj.core.groups.Tuple.tuple('-', "index t_a"),
                        org.assertj.core.groups.Tuple.tuple('+', "index t_c"));
        assertThat(result.ignored()).isEqualTo(1);
    }

    @Test
    void aLineDiffKeepsOrderAndShowsOnlyTheLinesNotShared() {
        assertThat(LineDiff.of(new String[] {"a", "b", "c", "d"}, new String[] {"a", "x", "c", "d", "e"}))
                .containsExactly("- b", "+ x", "+ e");
        assertThat(LineDiff.of(new String[] {"a"}, new String[] {"a"})).isEmpty();
    }

    @Test
    void theScratchDatabaseTakesTheLiveUrlWithItsOwnName() {
        assertThat(ScratchDatabase.withDatabase("jdbc:postgresql://db:5432/orders?ssl=true&currentSchema=app", "x"))
                .isEqualTo("jdbc:postgresql://db:5432/x?ssl=true&currentSchema=app");
        assertThat(ScratchDatabase.withDatabase("jdbc:postgresql://a:1,b:2/orders", "x")).isEqualTo("jdbc:postgresql://a:1,b:2/x");
        assertThat(ScratchDatabase.withDatabase("jdbc:postgresql://db", "x")).isEqualTo("jdbc:postgresql://db/x");
        assertThat(ScratchDatabase.withDatabase("jdbc:postgresql:orders", "x")).isEqualTo("jdbc:postgresql:x");
        assertThatThrownBy(() -> ScratchDatabase.withDatabase("jdbc:mysql://db/orders", "x"))
                .hasMessageContaining("set lockstep.url");
    }
}
