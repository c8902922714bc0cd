package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.test.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * Lockstep runs on PostgreSQL 13 to 18. The suite runs on one of them; CI runs this class alone
 * once more on PostgreSQL 12 (.ci/run), where every command refuses the server by name before it
 * reads or writes anything.
 */
class SupportedServerTest extends SchemaTestBase {

    @Test
    void onASupportedServerEveryCommandGoesOn() {
        assumeTrue(TestPostgres.get().majorVersion() >= 13, "the server is older than 13");
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");

        assertThat(configure().load().info()).extracting(MigrationInfo::state).containsExactly(MigrationState.PENDING);
        assertThat(migrate().applied()).hasSize(1);
    }

    @Test
    void aServerOlderThan13IsRefusedNamingTheVersionsAndNothingIsWritten() {
        assumeTrue(TestPostgres.get().majorVersion() < 13, "the server is 13 or newer: CI runs this on 12");
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");

        assertThatThrownBy(this::migrate).isInstanceOf(LockstepException.class)
                .hasMessageContaining("is older than Lockstep runs on: PostgreSQL 13 to 18. Nothing was read or "
                        + "written. Upgrade the server to 13 or later");
        assertThatThrownBy(() -> configure().load().info()).hasMessageContaining("PostgreSQL 13 to 18");
        assertThat(trackerExists()).isFalse();
        assertThat(Sql.value(schema, "SELECT to_regclass('a')")).isNull();
    }
}
