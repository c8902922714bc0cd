package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.Migration;
import dev.lockstep.test.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The diesel-shaped set is what it says, and the cold run's split adds up to the run it splits. */
class ColdRunTest {

    @TempDir
    Path dir;

    @Test
    void theDieselShapeIsLargeBodiesAndFilesWithoutAFinalSemicolonTheSameEveryTime() throws Exception {
        Path files = DieselSetFiles.write(dir.resolve("a"));
        List<String> texts = texts(files);

        assertThat(texts).hasSize(DieselSetFiles.FILES);
        assertThat(texts.stream().filter(t -> !t.strip().endsWith(";")).count()).isBetween(80L, 150L);
        assertThat(String.join("", texts)).contains("CREATE OR REPLACE VIEW", "$body$ LANGUAGE plpgsql",
                "CREATE TRIGGER", "diesel_manage_updated_at", "'%;%'");
        assertThat(texts(DieselSetFiles.write(dir.resolve("b")))).isEqualTo(texts);
        List<Migration> scanned = Lockstep.configure().dataSource(new PGSimpleDataSource())
                .locations("filesystem:" + files).load().scan();
        assertThat(scanned).hasSize(DieselSetFiles.FILES).allMatch(Migration::transactional);
    }

    @Test
    void aColdRunAppliesEveryFileAndItsPhasesAddUpToItsTotal() throws Exception {
        Path files = DieselSetFiles.write(dir.resolve("migrations"));
        Databases databases = new Databases(TestPostgres.get());
        String db = databases.create();
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            // The JDK's own logging: this JVM's is the test run's, not a service's to set up.
            System.setProperty("lockstep.cold.log", "jul");
            String password = TestPostgres.get().password();
            ColdRun.main(new String[] {databases.url(db), TestPostgres.get().user(), password == null ? "" : password,
                "filesystem:" + files, "unique", "0"});
        } finally {
            System.clearProperty("lockstep.cold.log");
            System.setOut(out);
            databases.drop(db);
        }
        String line = printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(ColdRun.PREFIX))
                .findFirst().orElseThrow();
        assertThat(value(line, "applied")).isEqualTo(DieselSetFiles.FILES);
        double parts = Stream.of("configure", "files", "connect-lock", "plan", "tx-migrations", "outside-migrations",
                "between-and-finish").mapToDouble(phase -> value(line, phase)).sum();
        assertThat(parts).as(line).isCloseTo(value(line, "total"), org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void theJdbcFloorAppliesTheSameFilesInTheSameOrderAsLockstep() throws Exception {
        Path files = DieselSetFiles.write(dir.resolve("migrations"));
        List<Path> ordered;
        try (Stream<Path> listed = Files.list(files)) {
            ordered = listed.sorted().toList(); // the diesel set's names start with fixed-width versions
        }
        Path driver = PsqlFloor.writeDriver(dir.resolve("psql"), ordered);
        assertThat(PsqlFloor.filesOf(driver)).isEqualTo(ordered.stream().map(Path::toAbsolutePath).toList());
        Databases databases = new Databases(TestPostgres.get());
        String byFloor = databases.create();
        String byLockstep = databases.create();
        try {
            String password = TestPostgres.get().password() == null ? "" : TestPostgres.get().password();
            ColdJdbcFloor.main(new String[] {databases.url(byFloor), TestPostgres.get().user(), password,
                driver.toString()});
            Lockstep.configure().dataSource(dataSource(databases.url(byLockstep))).locations("filesystem:" + files)
                    .load().migrate();
            assertThat(relations(databases.url(byFloor))).isNotEmpty()
                    .isEqualTo(relations(databases.url(byLockstep)));
        } finally {
            databases.drop(byFloor);
            databases.drop(byLockstep);
        }
    }

    private static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(TestPostgres.get().user());
        dataSource.setPassword(TestPostgres.get().password());
        return dataSource;
    }

    /** The schema's relations and functions, Lockstep's tracker left out. */
    private static List<String> relations(String url) throws Exception {
        try (java.sql.Connection connection = dataSource(url).getConnection();
                java.sql.ResultSet rows = connection.createStatement().executeQuery("SELECT relname FROM pg_class "
                        + "WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE 'lockstep%' UNION ALL "
                        + "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1")) {
            List<String> names = new java.util.ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    private static double value(String line, String phase) {
        return Stream.of(line.split(" ")).filter(pair -> pair.startsWith(phase + "=")).findFirst()
                .map(pair -> Double.parseDouble(pair.substring(phase.length() + 1))).orElseThrow();
    }

    private static List<String> texts(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
