package dev.lockstep.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

/** A native image includes the migration files of the default and of the configured locations. */
class LockstepRuntimeHintsTests {

    @Test
    void theDefaultLocationIsIncluded() {
        RuntimeHints hints = new RuntimeHints();
        new LockstepRuntimeHints().registerHints(hints, getClass().getClassLoader());

        assertThat(RuntimeHintsPredicates.resource().forResource("db/migrations/1_greetings.up.sql")).accepts(hints);
        assertThat(RuntimeHintsPredicates.resource().forResource("db/migrations/nested/2_more.up.sql")).accepts(hints);
        assertThat(RuntimeHintsPredicates.resource().forResource("application.yml")).rejects(hints);
    }

    @Test
    void hikariEvictConnectionIsReachableForDiscardingAConnection() throws Exception {
        RuntimeHints hints = new RuntimeHints();
        new LockstepRuntimeHints().registerHints(hints, getClass().getClassLoader());

        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(
                HikariDataSource.class.getMethod("evictConnection", Connection.class))).accepts(hints);
    }

    @Test
    void configuredClasspathLocationsAreIncludedAndFilesystemOnesAreNot() {
        RuntimeHints hints = new RuntimeHints();
        LockstepRuntimeHints.registerLocations(hints, List.of("classpath:/sql/orders/", "filesystem:/etc/migrations"));

        assertThat(RuntimeHintsPredicates.resource().forResource("sql/orders/0001_init.up.sql")).accepts(hints);
        assertThat(RuntimeHintsPredicates.resource().forResource("etc/migrations/0001_init.up.sql")).rejects(hints);
    }
}
