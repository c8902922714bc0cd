package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        Files.writeString(index, Files.readString(index).replaceFirst("lockstep-index\t1", "lockstep-index\t0"));
        replaceKeepingSizeAndTime("1_customers.up.sql");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThatThrownBy(() -> on(classes).load()
                .migrate()).hasMessageContaining("1_customers.up.sql changed after it was applied"));

        assertThat(log).anySatisfy(line -> assertThat(line).contains(index + " is not used: it has format 0, and this "
                + "Lockstep reads format 1 (an older lockstep-maven-plugin wrote it)"));
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
        assertThat(lines.get(0)).isEqualTo("lockstep-index\t1");
        assertThat(lines).contains("location\tdb/migrations");
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
