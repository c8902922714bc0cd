package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad files and settings that fail before any connection: the DataSource here fails the test if
 * anything asks it for one, so no database is needed to prove it.
 */
class MigrationFilesTest {

    @TempDir
    Path dir;
    MigrationDir files;

    @BeforeEach
    void folder() {
        files = new MigrationDir(dir);
    }

    LockstepConfiguration configure() {
        return Lockstep.configure().dataSource(new NoDatabase()).locations(files.location());
    }

    MigrationReport migrate() {
        return configure().load().migrate();
    }

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
    }

    @Test
    void theSameMigrationTwiceIsAnErrorEvenWithSharedVersions() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("sub/1_a.up.sql", "CREATE TABLE a (id int);");

        assertThatThrownBy(() -> configure().versions(VersionsMode.SHARED).load().migrate())
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("migration 1_a exists 2 times");
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
    }

    @Test
    void anEmptyFileIsAnError() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_empty.up.sql", "-- TODO\n\n");

        assertThatThrownBy(this::migrate)
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("2_empty.up.sql: the file holds no SQL statement");
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

        assertThatThrownBy(this::migrate).hasMessageContaining("1_a.up.sql, line 1: the file is not valid UTF-8 (byte 0xC3 at offset 3)");
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
    }

    @Test
    void aLocationThatDoesNotExistIsAnErrorNotNothingToDo() {
        assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase())
                .locations("filesystem:" + dir.resolve("nope")).load())
                .isInstanceOfSatisfying(LockstepConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("lockstep.locations"))
                .hasMessageContaining("is not an existing folder");
        assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase())
                .locations("classpath:db/no-such-folder").load())
                .hasMessageContaining("classpath:db/no-such-folder is not on the classpath");
        assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase())
                .locations("s3://bucket/migrations").load())
                .hasMessageContaining("unknown prefix");
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
}
