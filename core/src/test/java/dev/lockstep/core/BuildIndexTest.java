package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The build-time index (META-INF/lockstep/index) on a real server: a start with a matching index
 * reads no applied file, a stale index or one of another format is said once and the files are read,
 * and a file that runs is analysed from its text before anything is applied.
 *
 * <p>How a test tells that a file was not read: the file is replaced by other text of the same size
 * and modification time, which the index cannot tell apart. A start that read it would see the edit
 * and refuse the run ("changed after it was applied"); each such test also shows that refusal
 * without the index, so it can fail.
 */
class BuildIndexTest extends SchemaTestBase {

    private static final String LOCATION = "classpath:db/migrations";
    private Path classes;
    private MigrationDir migrations;

    @BeforeEach
    void classesFolder() {
        classes = dir.resolve("classes");
        migrations = new MigrationDir(classes.resolve("db/migrations"));
        migrations.add("1_customers.up.sql", "CREATE TABLE customers (id bigint PRIMARY KEY, email text);")
                .add("2_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint);");
    }

    private LockstepConfiguration on(Path root) {
        return Lockstep.configure().dataSource(schema.dataSource()).locations(LOCATION).classLoader(loader(root));
    }

    private static ClassLoader loader(Path root) {
        try {
            return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void index() {
        LockstepIndex.write(classes, List.of(LOCATION), VersionsMode.UNIQUE);
    }

    /** Other text, same size, same time: the index cannot tell, reading the file can. */
    private void replaceKeepingSizeAndTime(String name) throws IOException {
        Path file = classes.resolve("db/migrations").resolve(name);
        FileTime time = Files.getLastModifiedTime(file);
        String text = Files.readString(file);
        Files.writeString(file, text.replace("email", "EMAIL"));
        Files.setLastModifiedTime(file, time);
    }

    @Test
    void aStartWithAMatchingIndexReadsNoAppliedFile() throws IOException {
        index();
        assertThat(on(classes).load().migrate().applied()).hasSize(2);
        replaceKeepingSizeAndTime("1_customers.up.sql");

        MigrationReport again = on(classes).load().migrate();

        assertThat(again.applied()).isEmpty();
        assertThat(again.alreadyApplied()).isEqualTo(2);
        // Control: without the index the same start reads the file and sees the edit.
        Files.delete(classes.resolve(LockstepIndex.PATH));
        assertThatThrownBy(() -> on(classes).load().migrate())
                .hasMessageContaining("1_customers.up.sql changed after it was applied");
    }

    /** Validate answers for the files as they are: it reads each, whatever the index says (only a start trusts it). */
    @Test
    void validateReadsEveryFileEvenWithAMatchingIndex() throws IOException {
        index();
        assertThat(on(classes).load().migrate().applied()).hasSize(2);
        replaceKeepingSizeAndTime("1_customers.up.sql");

        assertThat(on(classes).load().migrate().applied()).as("the start trusts the index").isEmpty();
        assertThatThrownBy(() -> on(classes).load().validate())
                .hasMessageContaining("1_customers.up.sql changed after it was applied");
    }

    /** Keeps the index's head and drops its file lines: only a start that reads no file line still uses it. */
    private void keepOnlyTheHead() throws IOException {
        Path index = classes.resolve(LockstepIndex.PATH);
        Files.write(index, Files.readAllLines(index).stream().filter(line -> !line.startsWith("file\t")).toList());
    }

    /** The line of a start that took the one query (the log capture drops apostrophes). */
    private static final String AS_INDEXED = "each applied with its indexed checksum; no migration file was read";

    @Test
    void withNothingToDoAStartReadsTheIndexHeadAndOneDigestFromTheServer() throws IOException {
        index();
        on(classes).load().migrate();
        replaceKeepingSizeAndTime("1_customers.up.sql");
        keepOnlyTheHead();

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(on(classes).load().migrate()
                .alreadyApplied()).isEqualTo(2));

        assertThat(log).anySatisfy(line -> assertThat(line).contains("The tracker holds the 2 migration(s)")
                .contains(classes.resolve(LockstepIndex.PATH) + " lists").contains(AS_INDEXED));
        assertThat(log).noneMatch(line -> line.contains("is not used"));
        // Control: a start that looks the files up in the index finds none listed, and reads them.
        Sql.execute(schema, "INSERT INTO lockstep_applied_migrations (version, name, checksum, state) "
                + "VALUES (9, 'elsewhere', 'x', 'applied')");
        assertThatThrownBy(() -> on(classes).load().migrate())
                .hasMessageContaining("1_customers.up.sql changed after it was applied");
    }

    /**
     * A service's own set and its tenants' set in one jar, indexed by two executions of the plugin:
     * each set has its index, and each start is the one query on its own index. (One shared path
     * had the second execution overwrite the first's, and the main set started without an index.)
     */
    @Test
    void twoSetsInOneClassesFolderEachStartFromTheirOwnIndex() throws IOException {
        new MigrationDir(classes.resolve("db/tenants")).add("1_accounts.up.sql", "CREATE TABLE accounts (id int);")
                .add("2_notes.up.sql", "CREATE TABLE notes (id int);").add("3_tags.up.sql", "CREATE TABLE tags (id int);");
        index();
        LockstepIndex.Written tenants = LockstepIndex.write(classes, List.of("classpath:db/tenants"), VersionsMode.UNIQUE);
        assertThat(tenants.file()).isEqualTo(classes.resolve("META-INF/lockstep/index-db.tenants"));
        assertThat(classes.resolve(LockstepIndex.PATH)).as("the main set's index is still there").exists();

        try (TestSchema tenant = TestPostgres.get().newSchema()) {
            on(classes).load().migrate();
            Lockstep.configure().dataSource(tenant.dataSource()).locations("classpath:db/tenants")
                    .classLoader(loader(classes)).load().migrate();

            List<String> main = LogCapture.during(LogCapture.ENGINE, () -> on(classes).load().migrate());
            List<String> other = LogCapture.during(LogCapture.ENGINE, () -> Lockstep.configure()
                    .dataSource(tenant.dataSource()).locations("classpath:db/tenants").classLoader(loader(classes))
                    .load().migrate());

            assertThat(main).anySatisfy(line -> assertThat(line).contains("The tracker holds the 2 migration(s)")
                    .contains(classes.resolve(LockstepIndex.PATH) + " lists").contains(AS_INDEXED));
            assertThat(other).anySatisfy(line -> assertThat(line).contains("The tracker holds the 3 migration(s)")
                    .contains(tenants.file() + " lists").contains(AS_INDEXED));
        }
    }

    @Test
    void inAJarTheNoOpStartIsTheOneQueryToo() throws IOException {
        index();
        Path jar = jar(classes, dir.resolve("app.jar"));
        on(jar).load().migrate();

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(on(jar).load().migrate()
                .alreadyApplied()).isEqualTo(2));

        assertThat(log).anySatisfy(line -> assertThat(line).contains("The tracker holds the 2 migration(s)")
                .contains(jar + "!/" + LockstepIndex.PATH).contains(AS_INDEXED));
    }

    @Test
    void aTrackerThatDiffersFromTheIndexInOneRowIsReadRowByRow() {
        index();
        on(classes).load().migrate();
        String checksum = (String) Sql.value(schema, "SELECT checksum FROM lockstep_applied_migrations WHERE version = 1");
        Map<String, String> changes = Map.of("checksum = 'edited by hand'", "checksum = '" + checksum + "'",
                "name = 'customers_renamed'", "name = 'customers'", "state = 'running'", "state = 'applied'");
        changes.forEach((change, undo) -> {
            Sql.execute(schema, "UPDATE lockstep_applied_migrations SET " + change + " WHERE version = 1");
            List<String> log = LogCapture.during(LogCapture.ENGINE, () -> {
                try {
                    on(classes).load().migrate();
                } catch (LockstepException e) {
                    // the row-by-row path stops at a checksum edited by hand and at an interrupted row
                }
            });
            assertThat(log).as(change).noneMatch(line -> line.contains(AS_INDEXED));
            Sql.execute(schema, "UPDATE lockstep_applied_migrations SET " + undo + " WHERE version = 1");
        });
        // Control: with the row as the run left it, the same start takes the one query.
        assertThat(LogCapture.during(LogCapture.ENGINE, () -> on(classes).load().migrate()))
                .anySatisfy(line -> assertThat(line).contains(AS_INDEXED));
    }

    @Test
    void anIndexThatNoLongerMatchesTheFilesIsSaidOnceAndTheFilesAreRead() throws IOException {
        index();
        on(classes).load().migrate();
        migrations.add("3_invoices.up.sql", "CREATE TABLE invoices (id bigint PRIMARY KEY);");
        replaceKeepingSizeAndTime("1_customers.up.sql");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThatThrownBy(() -> on(classes).load()
                .migrate()).hasMessageContaining("1_customers.up.sql changed after it was applied"));

        assertThat(log.stream().filter(line -> line.contains(LockstepIndex.PATH))).singleElement().asString()
                .contains("is not used: db/migrations/3_invoices.up.sql is not in it (added since the build)")
                .contains("Lockstep reads the files instead").contains("mvn process-resources");
    }

    @Test
    void aFileEditedInPlaceMakesTheIndexStale() throws IOException {
        index();
        on(classes).load().migrate();
        migrations.add("2_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint, total int);");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThatThrownBy(() -> on(classes).load()
                .migrate()).hasMessageContaining("2_orders.up.sql changed after it was applied"));

        assertThat(log).anySatisfy(line -> assertThat(line)
                .contains("db/migrations/2_orders.up.sql changed since the build wrote it (size"));
        // The next build writes the index from the files, not from the stale index.
        assertThat(LogCapture.during(LogCapture.ENGINE, this::index)).noneMatch(line -> line.contains("is not used"));
    }

    @Test
    void anIndexOfAnotherFormatIsRefusedWithAMessageAndTheFilesAreRead() throws IOException {
        index();
        on(classes).load().migrate();
        Path index = classes.resolve(LockstepIndex.PATH);
        Files.writeString(index, Files.readString(index).replaceFirst("lockstep-index\t2", "lockstep-index\t1"));
        replaceKeepingSizeAndTime("1_customers.up.sql");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThatThrownBy(() -> on(classes).load()
                .migrate()).hasMessageContaining("1_customers.up.sql changed after it was applied"));

        assertThat(log).anySatisfy(line -> assertThat(line).contains(index + " is not used: it has format 1, and this "
                + "Lockstep reads format 2 (an older lockstep-maven-plugin wrote it)"));
    }

    @Test
    void inAJarPendingFilesRunFromTheirTextAndABadOneStopsTheRunBeforeAnythingIsApplied() throws IOException {
        migrations.add("3_orders_customer.up.sql", "CREATE INDEX CONCURRENTLY orders_customer ON orders (customer);")
                .add("4_grant.up.sql", "-- the reader role differs per environment\nGRANT SELECT ON orders TO ${reader};");
        index();
        Path jar = jar(classes, dir.resolve("app.jar"));

        assertThatThrownBy(() -> on(jar).placeholders(Map.of("owner", "app")).load().migrate())
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("classpath:db/migrations/4_grant.up.sql, line 2: ${reader} has no value");
        assertThat(Sql.count(schema, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                + schema.name() + "' AND table_name = 'customers'")).isZero();

        Sql.execute(schema, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lockstep_reader') THEN "
                + "CREATE ROLE lockstep_reader; END IF; END $$");
        MigrationReport report = on(jar).placeholders(Map.of("reader", "lockstep_reader")).load().migrate();

        assertThat(report.applied()).extracting(a -> a.migration().transactional()).containsExactly(true, true, false, true);
        assertThat(Sql.value(schema, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer'::regclass"))
                .isEqualTo(true);
    }

    @Test
    void theIndexListsEachFileWithItsAnalysis() throws IOException {
        migrations.add("3_orders_customer.up.sql", "CREATE INDEX orders_customer ON orders (customer);")
                .add("3_orders_customer.down.sql", "DROP INDEX orders_customer;");

        LockstepIndex.Written written = LockstepIndex.write(classes, List.of(LOCATION), VersionsMode.UNIQUE);

        assertThat(written.files()).isEqualTo(4);
        List<String> lines = Files.readAllLines(written.file());
        assertThat(lines.get(0)).isEqualTo("lockstep-index\t2");
        assertThat(lines).contains("versions\tunique");
        assertThat(lines).filteredOn(l -> l.startsWith("applied\t")).singleElement().asString().startsWith("applied\t3\t");
        assertThat(lines).filteredOn(l -> l.startsWith("location\t")).singleElement().asString()
                .startsWith("location\tdb/migrations\t4\t");
        assertThat(lines).filteredOn(l -> l.startsWith("file\tdb/migrations/3_orders_customer.up.sql\t")).singleElement()
                .asString().endsWith("\t3\torders_customer\tup\tyes\t1\t-\tindex-not-concurrent@1");
        assertThat(lines).filteredOn(l -> l.startsWith("file\tdb/migrations/3_orders_customer.down.sql\t"))
                .singleElement().asString().contains("\tdown\tyes\t1\t-\t-");
    }

    @Test
    void aBadFileFailsTheIndexWithTheStartsMessageAndWritesNone() {
        migrations.add("5_broken.up.sql", "INSERT INTO orders VALUES (1, 'unclosed);");

        assertThatThrownBy(() -> index()).isInstanceOf(MigrationFileException.class)
                .hasMessageContaining("classpath:db/migrations/5_broken.up.sql, line 1");
        assertThat(classes.resolve(LockstepIndex.PATH)).doesNotExist();
    }

    private static Path jar(Path root, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted().toList()) {
                String name = root.relativize(path).toString().replace('\\', '/');
                if (name.isEmpty()) {
                    continue;
                }
                boolean folder = Files.isDirectory(path);
                zip.putNextEntry(new JarEntry(folder ? name + "/" : name));
                if (!folder) {
                    zip.write(Files.readAllBytes(path));
                }
                zip.closeEntry();
            }
        }
        return jar;
    }
}
