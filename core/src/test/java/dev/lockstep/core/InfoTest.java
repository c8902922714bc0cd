package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InfoTest extends SchemaTestBase {

    @Test
    void beforeAnyRunEverythingIsPendingAndNothingIsCreated() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");

        assertThat(configure().load().info()).extracting(MigrationInfo::state).containsExactly(MigrationState.PENDING);
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void listsEveryStateFromFilesAndTracker() {
        files.add("1_applied.up.sql", "CREATE TABLE a (id int);")
                .add("2_edited.up.sql", "CREATE TABLE b (id int);")
                .add("3_gone.up.sql", "CREATE TABLE c (id int);")
                .add("5_newest.up.sql", "CREATE TABLE e (id int);");
        migrate();
        files.delete("3_gone.up.sql");
        files.add("2_edited.up.sql", "CREATE TABLE b (id bigint);")
                .add("4_late.up.sql", "CREATE TABLE d (id int);")
                .add("6_next.up.sql", "CREATE TABLE f (id int);");
        Sql.execute(schema, "INSERT INTO lockstep_applied_migrations (version, name, checksum, state) "
                + "VALUES (7, 'interrupted', 'x', 'running')");

        List<MigrationInfo> info = configure().load().info();

        assertThat(info).extracting(i -> i.version() + "_" + i.name() + ":" + i.state().label()).containsExactly(
                "1_applied:applied", "2_edited:drifted", "3_gone:missing-file", "4_late:out-of-order",
                "5_newest:applied", "6_next:pending", "7_interrupted:running");
        assertThat(info.get(0).appliedAt()).isNotNull();
        assertThat(info.get(0).executionMs()).isNotNull();
        assertThat(info.get(2).file()).isNull();
    }
}
