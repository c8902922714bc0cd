package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.test.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Migration files as real projects write them, applied to a real PostgreSQL: folders reached
 * through symbolic links, pg_dump output (its restrict lines, COPY rows), statements that cannot run
 * in a transaction.
 */
class RealFilesTest extends SchemaTestBase {

    /** The schema the pg_dump fixtures create, named after this test's schema. */
    private String shop() {
        return schema.name() + "_shop";
    }

    @AfterEach
    void dropShop() {
        Sql.execute(schema, "DROP SCHEMA IF EXISTS " + shop() + " CASCADE");
    }

    @Test
    void aLinkedLocationLinkedFilesAndLinkedSubfoldersAreFollowed() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path other = Files.createDirectories(dir.resolve("other-module"));
        Files.writeString(real.resolve("1_a.up.sql"), "CREATE TABLE a (id int);");
        Files.writeString(shared.resolve("2_b.up.sql"), "CREATE TABLE b (id int);");
        Files.writeString(other.resolve("3_c.up.sql"), "CREATE TABLE c (id int);");
        Files.createSymbolicLink(real.resolve("2_b.up.sql"), shared.resolve("2_b.up.sql"));
        Files.createSymbolicLink(real.resolve("module"), other);
        Path location = Files.createSymbolicLink(dir.resolve("migrations"), real);

        MigrationReport report = Lockstep.configure().dataSource(schema.dataSource())
                .locations("filesystem:" + location).load().migrate();

        assertThat(report.applied()).hasSize(3);
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied", "2_b:applied", "3_c:applied");
    }

    /** A ConfigMap volume shows each file through ..data and a timestamped folder too: each applies once. */
    @Test
    void aKubernetesConfigMapVolumeAppliesEachFileOnce() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Path version = Files.createDirectories(volume.resolve("..2026_12_01_10_00_00.123456789"));
        Files.writeString(version.resolve("1_a.up.sql"), "CREATE TABLE a (id int);");
        Files.writeString(version.resolve("2_b.up.sql"), "CREATE TABLE b (id int);");
        Files.createSymbolicLink(volume.resolve("..data"), volume.relativize(version));
        Files.createSymbolicLink(volume.resolve("1_a.up.sql"), Path.of("..data/1_a.up.sql"));
        Files.createSymbolicLink(volume.resolve("2_b.up.sql"), Path.of("..data/2_b.up.sql"));

        MigrationReport report = Lockstep.configure().dataSource(schema.dataSource())
                .locations("filesystem:" + volume).load().migrate();

        assertThat(report.applied()).extracting(a -> a.migration().file())
                .containsExactly("filesystem:" + volume + "/1_a.up.sql", "filesystem:" + volume + "/2_b.up.sql");
    }

    @Test
    void aPgDumpSchemaOnlyFileIsABaselineAndTheNextMigrationRunsAsUsualAfterIt() throws Exception {
        files.add("1_baseline.up.sql", fixture("shop-schema-only.sql"))
                .add("2_next.up.sql", "CREATE TABLE after_baseline (id int);\n"
                        + "INSERT INTO " + shop() + ".customers (name) VALUES ('first customer');");

        MigrationReport report = migrate();

        assertThat(report.applied()).hasSize(2);
        // pg_dump empties search_path; the next migration still creates its table where it should.
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".after_baseline')")).isNotNull();
        assertThat(Sql.rows(schema, "SELECT name, orders FROM " + shop() + ".customer_orders"))
                .containsExactly(Map.of("name", "first customer", "orders", 0L));
        assertThat(Sql.value(schema, "SHOW search_path")).isNotEqualTo("");
    }

    @Test
    void aFullPgDumpLoadsItsCopyRowsThroughTheDriversCopyApi() throws Exception {
        files.add("1_dump.up.sql", fixture("shop-full.sql"));

        migrate();

        assertThat(Sql.rows(schema, "SELECT id, name, email FROM " + shop() + ".customers ORDER BY id")).containsExactly(
                Map.of("id", 1L, "name", "Ada", "email", "ada@example.com"),
                Map.of("id", 2L, "name", "Grace; Hopper", "email", "grace\\tab"),
                row("id", 3L, "name", "\u00c9mile", "email", null));
        assertThat(Sql.rows(schema, "SELECT note FROM " + shop() + ".orders ORDER BY id")).containsExactly(
                Map.of("note", "line one\nline two"), Map.of("note", "back\\slash"), row("note", null));
        // The sequence positions came with the dump: the next order gets id 4.
        Sql.execute(schema, "INSERT INTO " + shop() + ".orders (customer_id) VALUES (1)");
        assertThat(Sql.value(schema, "SELECT max(id) FROM " + shop() + ".orders")).isEqualTo(4);
    }

    @Test
    void aFailureAfterCopyRowsNamesItsLineAndABadRowNamesTheCopy() {
        files.add("1_rows.up.sql", """
                CREATE TABLE t (id int PRIMARY KEY, note text);
                COPY t (id, note) FROM stdin;
                1\tone
                2\ttwo
                \\.
                SELECT 1/0;
                """);

        assertThatThrownBy(this::migrate).isInstanceOfSatisfying(MigrationFailedException.class,
                e -> assertThat(e.line()).isEqualTo(6)).hasMessageContaining("1_rows.up.sql failed at line 6: ");
        assertThat(trackerRows()).isZero();

        files.add("1_rows.up.sql", """
                CREATE TABLE t (id int PRIMARY KEY, note text);
                COPY t (id, note) FROM stdin;
                1\tone
                two\ttwo
                \\.
                """);
        assertThatThrownBy(this::migrate)
                .hasMessageContaining("1_rows.up.sql failed at line 2: ")
                .hasMessageContaining("invalid input syntax for type integer")
                .hasMessageContaining("Statement: COPY t (id, note) FROM stdin");
        assertThat(trackerRows()).isZero();
        assertThat(Sql.value(schema, "SELECT to_regclass('t')")).isNull();
    }

    @Test
    void reindexSchemaAndClusterWithoutATableRunOutsideATransactionWithoutADirective() {
        files.add("1_table.up.sql", "CREATE TABLE t (id int PRIMARY KEY);")
                .add("2_reindex.up.sql", "REINDEX SCHEMA " + schema.name() + ";")
                .add("3_cluster.up.sql", "CLUSTER t USING t_pkey;\nCLUSTER;");

        List<String> log = LogCapture.during(LogCapture.ENGINE, () -> assertThat(migrate().applied()).hasSize(3));

        assertThat(log).filteredOn(line -> line.contains(files.location()) && line.contains("outside a transaction"))
                .hasSize(2);
    }

    /** The rules cannot know from the text that t is partitioned; the server's 25001 says what to do. */
    @Test
    void aStatementTheServerRefusesInATransactionGetsTheDirectiveAsItsFix() {
        // PostgreSQL 13 skips a partitioned table's REINDEX with a warning; 14 builds it, outside a transaction only.
        assumeTrue(TestPostgres.get().majorVersion() >= 14, "REINDEX of a partitioned table needs PostgreSQL 14");
        files.add("1_parted.up.sql", "CREATE TABLE m (at date) PARTITION BY RANGE (at);\n"
                        + "CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n"
                        + "CREATE INDEX m_at ON m (at);")
                .add("2_reindex.up.sql", "-- rebuild\nREINDEX TABLE m;");

        assertThatThrownBy(this::migrate)
                .hasMessageContaining("2_reindex.up.sql failed at line 2: ")
                .hasMessageContaining("[SQLState 25001]")
                .hasMessageContaining("add '-- lockstep:transaction=false' as the first line of the file");
        files.add("2_reindex.up.sql", "-- lockstep:transaction=false\nREINDEX TABLE m;");
        assertThat(migrate().applied()).hasSize(1);
    }

    /**
     * Outside a transaction, work after a BEGIN that is never committed would be rolled back when the
     * connection goes back to the pool, after the run reported it applied. The file is refused before
     * anything of it runs, also when COMMIT AND CHAIN opens the transaction that is left open.
     */
    @Test
    void aFileOutsideATransactionThatLeavesOneOpenIsRefusedBeforeAnythingRuns() {
        files.add("1_open.up.sql", "-- lockstep:transaction=false\nCREATE TABLE a (id int);\n"
                + "BEGIN;\nINSERT INTO a VALUES (1);\n");

        assertThatThrownBy(this::migrate).hasMessageContaining("1_open.up.sql, line 3: 'BEGIN' opens a transaction "
                + "that the file never ends");
        assertThat(Sql.value(schema, "SELECT to_regclass('a')")).isNull();
        assertThat(trackerRows()).isZero();

        files.add("1_open.up.sql", "-- lockstep:transaction=false\nCREATE TABLE a (id int);\n"
                + "BEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT AND CHAIN;\nINSERT INTO a VALUES (2);\n");

        assertThatThrownBy(this::migrate).hasMessageContaining("1_open.up.sql, line 5: 'COMMIT AND CHAIN' opens a "
                + "transaction that the file never ends");
        assertThat(Sql.value(schema, "SELECT to_regclass('a')")).isNull();
        assertThat(trackerRows()).isZero();

        files.add("1_open.up.sql", "-- lockstep:transaction=false\nCREATE TABLE a (id int);\n"
                + "BEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT AND CHAIN;\nINSERT INTO a VALUES (2);\nCOMMIT AND NO CHAIN;");

        assertThat(migrate().applied()).hasSize(1);
        assertThat(Sql.count(schema, "SELECT count(*) FROM a")).isEqualTo(2);
    }

    private long trackerRows() {
        return trackerExists() ? Sql.count(schema, "SELECT count(*) FROM lockstep_applied_migrations") : 0;
    }

    /** A pg_dump fixture, with its schema renamed to this test's own. */
    private String fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/pg_dump/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\bshop\\b", shop());
        }
    }

    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }
}
