package dev.lockstep.core;

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
    void duplicateVersionsNameBothFilesBeforeAnyConnection() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);")
                .add("0001_b.up.sql", "CREATE TABLE b (id int);")
                .add("2_c.up.sql", "CREATE TABLE c (id int);");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("version 1 is used by 2 files")
                .hasMessageContaining("1_a.up.sql")
                .hasMessageContaining("0001_b.up.sql")
                .hasMessageContaining("lockstep.versions=shared");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void theSameMigrationTwiceIsAnErrorEvenWithSharedVersions() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("sub/1_a.up.sql", "CREATE TABLE a (id int);");

        assertThatThrownBy(() -> configure().versions(VersionsMode.SHARED).load().migrate())
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("migration 1_a exists 2 times");
    }

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
                .hasMessageContaining("SET name = 'users' WHERE version = 1 AND name = 'create_users'");
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
    void unparseableNamesAreListedTogether() {
        files.add("1_a.up.sql", "SELECT 1;")
                .add("create_users.sql", "SELECT 1;")
                .add("V1.2__dotted.sql", "SELECT 1;")
                .add("0_zero.up.sql", "SELECT 1;")
                .add("R__repeatable.sql", "SELECT 1;")
                .add("README.md", "not SQL, ignored");

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFileException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("create_users.sql: the name does not match")
                .hasMessageContaining("V1.2__dotted.sql")
                .hasMessageContaining("0_zero.up.sql: version 0 is not positive")
                .hasMessageContaining("R__repeatable.sql")
                .hasMessageNotContaining("README.md");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void anEmptyFileIsAnError() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_empty.up.sql", "-- TODO\n\n");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("2_empty.up.sql: the file holds no SQL statement");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void anUnclosedQuoteNamesTheLineWhereItOpened() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int AS $body$\nSELECT 1;\n");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("1_a.up.sql, line 2: dollar-quoted string opened with $body$ is never closed");
    }

    @Test
    void unknownDirectivesAndContradictoryOnesAreErrors() {
        files.add("1_a.up.sql", "-- lockstep:transactional=false\nCREATE TABLE a (id int);")
                .add("2_b.up.sql", "-- lockstep:transaction=true\nCREATE TABLE b (id int);\n"
                        + "CREATE INDEX CONCURRENTLY b_idx ON b (id);")
                .add("3_c.up.sql", "CREATE TABLE c (id int);\nCOMMIT;\n");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("1_a.up.sql, line 1: unknown directive 'lockstep:transactional=false'")
                .hasMessageContaining("2_b.up.sql, line 3: CREATE INDEX CONCURRENTLY cannot run inside a transaction")
                .hasMessageContaining("3_c.up.sql, line 2: 'COMMIT' would end the transaction");
    }

    @Test
    void aNonUtf8FileIsAnError() throws Exception {
        Files.write(files.path().resolve("1_a.up.sql"), new byte[] {'S', 'E', 'L', (byte) 0xC3, (byte) 0x28});

        assertThatThrownBy(this::migrate).hasMessageContaining("1_a.up.sql: the file is not valid UTF-8");
    }

    @Test
    void injectionThroughTheTableOrSchemaSettingIsRefusedNamingTheProperty() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");

        assertThatThrownBy(() -> configure().table("t; DROP TABLE a; --").load())
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.table"))
                .hasMessageContaining("is not a valid identifier");
        assertThatThrownBy(() -> configure().schema("public\".\"x").load())
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.schema"));
        assertThatThrownBy(() -> configure().table("x".repeat(64)).load())
                .hasMessageContaining("longer than 63 bytes");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void quotedIdentifiersKeepTheirCaseAndACustomSchemaIsCreated() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        String trackerSchema = schema.name() + "_Tracker";

        configure().schema(trackerSchema).table("Applied").load().migrate();

        assertThat(Sql.count(schema, "SELECT count(*) FROM \"" + trackerSchema + "\".\"Applied\"")).isEqualTo(1);
        Sql.execute(schema, "DROP SCHEMA \"" + trackerSchema + "\" CASCADE");
    }

    @Test
    void aLocationThatDoesNotExistIsAnErrorNotNothingToDo() {
        assertThatThrownBy(() -> Lockstep.configure().dataSource(schema.dataSource())
                .locations("filesystem:" + dir.resolve("nope")).load())
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.locations"))
                .hasMessageContaining("is not an existing folder");
        assertThatThrownBy(() -> Lockstep.configure().dataSource(schema.dataSource())
                .locations("classpath:db/no-such-folder").load())
                .hasMessageContaining("classpath:db/no-such-folder is not on the classpath");
        assertThatThrownBy(() -> Lockstep.configure().dataSource(schema.dataSource())
                .locations("s3://bucket/migrations").load())
                .hasMessageContaining("unknown prefix");
        assertThat(trackerExists()).isFalse();
    }

    @Test
    void badDurationsAndAMissingDataSourceNameTheSetting() {
        assertThatThrownBy(() -> configure().lockTimeout(Duration.ofSeconds(-1)).load())
                .hasMessageStartingWith("lockstep.lock.timeout:");
        assertThatThrownBy(() -> configure().reportInterval(Duration.ZERO).load())
                .hasMessageStartingWith("lockstep.lock.report-interval:");
        assertThatThrownBy(() -> configure().statementTimeout(Duration.ofMillis(-5)).load())
                .hasMessageStartingWith("lockstep.statement-timeout:");
        assertThatThrownBy(() -> configure().connectRetries(-1).load())
                .hasMessageStartingWith("lockstep.connect-retries:").hasMessageContaining("zero (fail at once) or more");
        assertThatThrownBy(() -> configure().connectRetries(3).connectRetriesInterval(Duration.ofSeconds(-1)).load())
                .hasMessageStartingWith("lockstep.connect-retries-interval:");
        assertThatThrownBy(() -> Lockstep.configure().load()).hasMessageStartingWith("dataSource:");
    }

    /** Test classes run two at a time: only the lines about this test's schema or files. */
    private List<String> ours(List<String> lines) {
        return lines.stream().filter(line -> line.contains(schema.name() + ".") || line.contains(files.location()))
                .toList();
    }
}
