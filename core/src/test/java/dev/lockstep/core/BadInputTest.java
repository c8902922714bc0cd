package dev.lockstep.core;

import dev.lockstep.core.internal.plan.MigrationPlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every bad input stops the run with an error that names the culprit, and nothing is written. */
class BadInputTest extends SchemaTestBase {

    @Test
    void aRenamedFileIsAnErrorWithTheFixAndNothingElseIsApplied() {
        files.add("1_create_users.up.sql", "CREATE TABLE users (id int);");
        migrate();
        files.delete("1_create_users.up.sql");
        files.add("1_users.up.sql", "CREATE TABLE users (id int);").add("2_next.up.sql", "CREATE TABLE next (id int);");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("Version 1 was applied as 'create_users'")
                .hasMessageContaining("1_users.up.sql")
                .hasMessageContaining("SET name = 'users' WHERE version = 1 AND version_text = '' AND name = 'create_users'");
        assertThat(Sql.tracker(schema)).containsExactly("1_create_users:applied");
        assertThat(Sql.value(schema, "SELECT to_regclass('next')")).isNull();
    }

    @Test
    void checksumDriftFailsByDefaultNamingTheFileAndTheFix() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        migrate();
        files.add("1_a.up.sql", "CREATE TABLE a (id bigint);").add("2_b.up.sql", "CREATE TABLE b (id int);");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("1_a.up.sql changed after it was applied")
                .hasMessageContaining("SET checksum = ");
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied");
    }

    @Test
    void checksumDriftWithWarnOrIgnoreCarriesOn() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        migrate();
        files.add("1_a.up.sql", "CREATE TABLE a (id bigint);").add("2_b.up.sql", "CREATE TABLE b (id int);");

        List<String> warned = LogCapture.during(MigrationPlan.class,
                () -> assertThat(configure().checksum(ChecksumPolicy.WARN).load().migrate().applied()).hasSize(1));
        assertThat(ours(warned)).singleElement().asString().startsWith("WARNING").contains("1_a.up.sql");
        files.add("3_c.up.sql", "CREATE TABLE c (id int);");
        List<String> ignored = LogCapture.during(MigrationPlan.class,
                () -> assertThat(configure().checksum(ChecksumPolicy.IGNORE).load().migrate().applied()).hasSize(1));
        assertThat(ours(ignored)).isEmpty();
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied", "2_b:applied", "3_c:applied");
    }

    /** Rows without a file are reported, never an error: the database may be ahead of this code. */
    @Test
    void appliedMigrationsWithoutAFileAreReportedAndNothingElseHappens() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        migrate();
        files.delete("2_b.up.sql");

        List<String> log = LogCapture.during(MigrationPlan.class, () -> assertThat(migrate().applied()).isEmpty());

        assertThat(ours(log)).singleElement().asString()
                .startsWith("INFO 1 applied migration(s) in ").contains("have no file on disk").contains("2_b");
    }

    @Test
    void lineEndingsAndAByteOrderMarkAreNotDrift() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);\nCREATE TABLE a2 (id int);\n");
        migrate();
        Files.write(files.path().resolve("1_a.up.sql"),
                "\uFEFFCREATE TABLE a (id int);\r\nCREATE TABLE a2 (id int);\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(migrate().alreadyApplied()).isEqualTo(1);
    }

    @Test
    void quotedIdentifiersKeepTheirCaseAndACustomSchemaIsCreated() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        String trackerSchema = schema.name() + "_Tracker";

        configure().schema(trackerSchema).table("Applied").load().migrate();

        assertThat(Sql.count(schema, "SELECT count(*) FROM \"" + trackerSchema + "\".\"Applied\"")).isEqualTo(1);
        Sql.execute(schema, "DROP SCHEMA \"" + trackerSchema + "\" CASCADE");
    }

    /** Test classes run two at a time: only the lines about this test's schema or files. */
    private List<String> ours(List<String> lines) {
        return lines.stream().filter(line -> line.contains(schema.name() + ".") || line.contains(files.location()))
                .toList();
    }
}
