package dev.lockstep.core;

import dev.lockstep.core.internal.files.LoadedMigration;

import dev.lockstep.core.internal.files.MigrationLoader;
import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.sql.SqlStatement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
                .add("V1..2__double_dot.sql", "SELECT 1;")
                .add("0_zero.up.sql", "SELECT 1;")
                .add("R1__versioned_repeatable.sql", "SELECT 1;")
                .add("README.md", "not SQL, ignored");

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFileException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("create_users.sql: the name does not match")
                .hasMessageContaining("V1..2__double_dot.sql")
                .hasMessageContaining("0_zero.up.sql: version 0 is not positive")
                .hasMessageContaining("R1__versioned_repeatable.sql")
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
    void filesLeftInFlywaysFolderAreNamedWithTheMoveThatFixesIt() throws Exception {
        java.nio.file.Path classes = dir.resolve("classes");
        java.nio.file.Files.createDirectories(classes.resolve("db/migration"));
        java.nio.file.Files.writeString(classes.resolve("db/migration/V1__customers.sql"), "CREATE TABLE customers (id int);");
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, null)) {
            assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase()).classLoader(loader).load())
                    .isInstanceOf(LockstepConfigurationException.class)
                    .hasMessageContaining("classpath:db/migrations is not on the classpath, but classpath:db/migration, "
                            + "Flyway's folder, is")
                    .hasMessageContaining("git mv src/main/resources/db/migration src/main/resources/db/migrations")
                    .hasMessageContaining("lockstep.locations=classpath:db/migration");
        }
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

    @Test
    void psqlCommandsAreRefusedNamingTheLineBecauseLockstepRunsSqlNotPsqlScripts() {
        files.add("1_include.up.sql", "CREATE TABLE a (id int);\n\\i other.sql\nCREATE TABLE b (id int);")
                .add("2_variable.up.sql", "\\set ON_ERROR_STOP on\nCREATE TABLE c (id int);")
                .add("3_connect.up.sql", "-- other database\n\\connect other\nCREATE TABLE d (id int);");

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFileException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("1_include.up.sql, line 2: '\\i other.sql' is a psql command, not SQL")
                .hasMessageContaining("2_variable.up.sql, line 1: '\\set ON_ERROR_STOP on' is a psql command")
                .hasMessageContaining("3_connect.up.sql, line 2: '\\connect other' is a psql command")
                .hasMessageContaining("or run the script with psql");
    }

    @Test
    void pgDumpsRestrictLinesAreSkippedAndCopyRowsBelongToTheirStatementWithLinesCountedOn() {
        files.add("1_dump.up.sql", """
                \\restrict AbC123
                SET statement_timeout = 0;
                COPY t (id, note) FROM stdin;
                1\tsemi;colon 'quote
                2\t\\N
                \\.
                SELECT 'after the rows';
                \\unrestrict AbC123
                """);

        LoadedMigration dump = (LoadedMigration) configure().load().scan().get(0);

        List<SqlStatement> statements = new ArrayList<>();
        dump.openStatements().forEachRemaining(statements::add);
        assertThat(statements).extracting(SqlStatement::line).containsExactly(2, 3, 7);
        assertThat(statements.get(1).text()).isEqualTo("COPY t (id, note) FROM stdin");
        assertThat(statements.get(1).copyRows()).contains("1\tsemi;colon 'quote\n2\t\\N\n");
        assertThat(dump.statementCount()).isEqualTo(3);
    }

    @Test
    void copyRowsWithoutTheirEndLineAreAnErrorNamingTheCopy() {
        files.add("1_copy.up.sql", "CREATE TABLE t (id int);\nCOPY t FROM stdin;\n1\n2\n");

        assertThatThrownBy(this::migrate).hasMessageContaining("1_copy.up.sql, line 2: COPY ... FROM stdin reads its "
                + "rows from the lines after it, which must end with a line holding only \\.");
    }

    @Test
    void directivesInTheWrongPlaceCaseOrFormAreErrorsSayingWhereTheyGo() {
        files.add("1_upper.up.sql", "-- LOCKSTEP:transaction=false\nCREATE INDEX CONCURRENTLY i ON t (a);")
                .add("2_block.up.sql", "/* lockstep:transaction=false */\nCREATE INDEX CONCURRENTLY i ON t (a);")
                .add("3_late.up.sql", "CREATE TABLE t (a int);\n\n-- lockstep:transaction=false\nSELECT 1;");

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFileException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("1_upper.up.sql, line 1: '-- LOCKSTEP:transaction=false' is not read as a "
                        + "directive: directives are written in lower case")
                .hasMessageContaining("2_block.up.sql, line 1: 'lockstep:transaction=false' is a block comment, "
                        + "which Lockstep does not read as a directive; write it as a line comment at the top")
                .hasMessageContaining("3_late.up.sql, line 3: '-- lockstep:transaction=false' comes after the first "
                        + "statement, where Lockstep does not read directives; move it to the top of the file");
    }

    @Test
    void aFileOutsideATransactionThatOpensOneAndNeverEndsItIsRefused() {
        files.add("1_fine.up.sql", "-- lockstep:transaction=false\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n"
                        + "CREATE INDEX CONCURRENTLY a_idx ON a (id);")
                .add("2_open.up.sql", "-- lockstep:transaction=false\nCREATE TABLE b (id int);\n"
                        + "START TRANSACTION;\nINSERT INTO b VALUES (1);\n");

        assertThatThrownBy(this::migrate)
                .isInstanceOfSatisfying(MigrationFileException.class, e -> assertThat(e.problems()).hasSize(1))
                .hasMessageContaining("2_open.up.sql, line 3: 'START TRANSACTION' opens a transaction that the file "
                        + "never ends")
                .hasMessageContaining("end it with COMMIT");
    }

    @Test
    void aNulByteIsAnErrorNamingItsLine() throws Exception {
        Files.write(dir.resolve("1_a.up.sql"), "SELECT 1;\nSELECT 2;\nSELECT '\0';".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(this::migrate).hasMessageContaining("1_a.up.sql, line 3: the file holds a NUL character");
    }

    @Test
    void aDownFileWithoutItsUpMigrationIsReported() {
        files.add("1_a.up.sql", "SELECT 1;").add("1_a.down.sql", "SELECT 1;").add("2_b.down.sql", "SELECT 1;");

        List<String> log = LogCapture.during(MigrationLoader.class, () -> configure().load().scan());

        assertThat(log).filteredOn(line -> line.contains(files.location())).singleElement().asString()
                .startsWith("WARNING").contains("2_b.down.sql has no up migration with version 2");
    }

    @Test
    void aLocationWithoutSqlFilesIsReported() {
        files.add("README.md", "migrations go here").add(".1_hidden.up.sql", "SELECT 1;");

        List<String> log = LogCapture.during(MigrationScanner.class, () -> configure().load().scan());

        assertThat(log).filteredOn(line -> line.contains(files.location())).singleElement().asString()
                .startsWith("WARNING").contains("holds no .sql file");
    }

    @Test
    void namesThatDifferOnlyInUnicodeNormalizationAreOneMigrationAndTheErrorSaysWhy() {
        String composed = "1_caf\u00e9.up.sql";
        String decomposed = "1_cafe\u0301.up.sql";
        files.add(composed, "SELECT 1;").add(decomposed, "SELECT 1;");

        assertThatThrownBy(() -> configure().versions(VersionsMode.SHARED).load().scan())
                .hasMessageContaining("migration 1_caf\u00e9 exists 2 times")
                .hasMessageContaining("differ only in Unicode normalization, NFC and NFD");
        files.delete(composed);
        assertThat(configure().load().scan()).singleElement()
                .satisfies(m -> assertThat(m.name()).isEqualTo("caf\u00e9"));
    }

    @Test
    void aLocationWithoutPrefixThatIsAFolderOnDiskSaysToWriteFilesystem() {
        assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase()).locations(dir.toString()).load())
                .hasMessageContaining("(a location without a prefix is read as classpath:")
                .hasMessageContaining("a folder of that name exists on disk: write filesystem:"
                        + dir.toAbsolutePath() + " to read it.")
                .hasMessageNotContaining("create src/main/resources");
    }

    /** The source folder of a build, as users paste it: one advice, the classpath location it becomes. */
    @Test
    void aLocationInTheBuildsResourceFolderSaysWhichClasspathLocationItIs() {
        assertThatThrownBy(() -> Lockstep.configure().dataSource(new NoDatabase())
                .locations("src/main/resources/db/migrations").load())
                .hasMessage("lockstep.locations: src/main/resources/db/migrations is not on the classpath (a location "
                        + "without a prefix is read as classpath:src/main/resources/db/migrations); write "
                        + "classpath:db/migrations, the folder as the built application sees it.");
    }

    @Test
    void aReportIntervalOfZeroOrLessGetsOneMessage() {
        assertThatThrownBy(() -> configure().reportInterval(Duration.ZERO).load())
                .hasMessage("lockstep.lock.report-interval: 'PT0S' must be longer than zero, e.g. 10s: it is how "
                        + "often a waiting runner says who holds the lock");
        assertThatThrownBy(() -> configure().reportInterval(Duration.ofSeconds(-1)).load())
                .hasMessageContaining("'PT-1S' must be longer than zero, e.g. 10s");
    }

    @Test
    void aSymbolicLinkCycleIsNamed() throws Exception {
        files.add("1_a.up.sql", "SELECT 1;");
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/loop"), dir);

        assertThatThrownBy(() -> configure().load().scan())
                .hasMessageContaining(dir.resolve("sub/loop") + " is a symbolic link to a folder that contains it, a "
                        + "cycle; Lockstep follows symbolic links, so remove that link");
    }

    @Test
    void aDanglingSymbolicLinkIsNamed() throws Exception {
        Files.createSymbolicLink(dir.resolve("1_a.up.sql"), dir.resolve("gone.sql"));

        assertThatThrownBy(() -> configure().load().scan())
                .hasMessageContaining(dir.resolve("1_a.up.sql") + " -> " + dir.resolve("gone.sql") + " does not exist");
    }

    @Test
    void anUnreadableFolderSaysPermissionDenied() throws Exception {
        assumeFalse(System.getProperty("user.name").equals("root"), "root reads every folder");
        files.add("sub/1_a.up.sql", "SELECT 1;");
        Path sub = dir.resolve("sub");
        Files.setPosixFilePermissions(sub, Set.of());
        try {
            assertThatThrownBy(() -> configure().load().scan())
                    .hasMessageContaining("permission denied on " + sub);
        } finally {
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
