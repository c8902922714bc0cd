package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Applied state is a set: a migration merged after a higher one still runs. */
class OutOfOrderTest extends SchemaTestBase {

    @Test
    void aGapFilledLaterIsAppliedAndReportedOutOfOrder() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);")
                .add("2_b.up.sql", "CREATE TABLE b (id int);")
                .add("4_d.up.sql", "CREATE TABLE d (id int);");
        assertThat(migrate().outOfOrder()).isEmpty();

        files.add("3_c.up.sql", "CREATE TABLE c (id int);");
        MigrationReport report = migrate();

        assertThat(report.applied()).extracting(a -> a.migration().name()).containsExactly("c");
        assertThat(report.outOfOrder()).extracting(a -> a.migration().name()).containsExactly("c");
        assertThat(report.alreadyApplied()).isEqualTo(3);
        assertThat(Sql.value(schema, "SELECT to_regclass('c')")).isNotNull();
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied", "2_b:applied", "3_c:applied", "4_d:applied");
    }

    @Test
    void sharedVersionsKeepEveryFileAsItsOwnMigration() {
        files.add("040_users.up.sql", "CREATE TABLE users (id int);")
                .add("040_groups.up.sql", "CREATE TABLE groups (id int);")
                .add("V41__members.sql", "CREATE TABLE members (id int);");

        MigrationReport report = configure().versions(VersionsMode.SHARED).load().migrate();

        assertThat(report.applied()).extracting(a -> a.migration().name()).containsExactly("groups", "users", "members");
        assertThat(Sql.tracker(schema)).containsExactly("40_groups:applied", "40_users:applied", "41_members:applied");
    }

    @Test
    void rowsWithoutFilesAreReportedNotFatal() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        migrate();
        files.delete("2_b.up.sql");

        MigrationReport report = migrate();

        assertThat(report.missingFiles()).containsExactly("2_b");
        assertThat(report.applied()).isEmpty();
    }
}
