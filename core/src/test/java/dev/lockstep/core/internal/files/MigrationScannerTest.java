package dev.lockstep.core.internal.files;

import dev.lockstep.core.MigrationDir;
import dev.lockstep.core.VersionsMode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationScannerTest {

    @TempDir
    Path dir;

    @Test
    void readsClasspathLocationsInsideJarsRecursively() throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // Maven, Gradle and Spring Boot write folder entries; class loaders find folders by them.
            for (String folder : List.of("db/", "db/migrations/", "db/migrations/2024/", "db/other/")) {
                out.putNextEntry(new JarEntry(folder));
                out.closeEntry();
            }
            put(out, "db/migrations/1_a.up.sql", "CREATE TABLE a (id int);");
            put(out, "db/migrations/2024/2_b.up.sql", "CREATE TABLE b (id int);");
            put(out, "db/migrations/notes.txt", "ignored");
            put(out, "db/other/3_c.up.sql", "not under the location");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            List<LoadedMigration> migrations = new MigrationLoader(new MigrationScanner(loader), VersionsMode.UNIQUE)
                    .load(List.of("classpath:db/migrations"));

            assertThat(migrations).extracting(LoadedMigration::file)
                    .containsExactly("classpath:db/migrations/1_a.up.sql", "classpath:db/migrations/2024/2_b.up.sql");
        }
    }

    @Test
    void ordersByVersionThenNameWhateverTheFileOrder() {
        MigrationDir files = new MigrationDir(dir)
                .add("10_j.up.sql", "SELECT 1;")
                .add("9_i.up.sql", "SELECT 1;")
                .add("0002_b.up.sql", "SELECT 1;")
                .add("V3__c.sql", "SELECT 1;");

        List<LoadedMigration> migrations = new MigrationLoader(new MigrationScanner(getClass().getClassLoader()),
                VersionsMode.UNIQUE).load(List.of(files.location()));

        assertThat(migrations).extracting(m -> m.version().toString()).containsExactly("2", "3", "9", "10");
    }

    @Test
    void aChecksumIgnoresLineEndingsAndAByteOrderMark() {
        String lf = Checksums.sha256(Checksums.normalize("SELECT 1;\nSELECT 2;\n"));

        assertThat(Checksums.sha256(Checksums.normalize("\uFEFFSELECT 1;\r\nSELECT 2;\r\n"))).isEqualTo(lf);
        assertThat(Checksums.sha256(Checksums.normalize("SELECT 1;\rSELECT 2;\r"))).isEqualTo(lf);
        assertThat(Checksums.sha256(Checksums.normalize("SELECT 1;\nSELECT 3;\n"))).isNotEqualTo(lf);
        assertThat(lf).hasSize(64).matches("[0-9a-f]+");
    }

    /** Bytes that need no normalizing are hashed as read; the checksum must be the text's all the same. */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1;\nSELECT 2;\n", "\uFEFFSELECT 1;\r\nSELECT 2;\r\n", "SELECT 'é';\rSELECT '😀';",
            "", "\uFEFF"})
    void aChecksumOfTheRawBytesIsTheChecksumOfTheirNormalizedText(String file) {
        byte[] raw = file.getBytes(StandardCharsets.UTF_8);
        String text = FileText.decode(raw);

        assertThat(Checksums.sha256(raw, text)).isEqualTo(Checksums.sha256(Checksums.normalize(file)));
    }

    private static void put(JarOutputStream out, String name, String content) throws Exception {
        out.putNextEntry(new JarEntry(name));
        OutputStream entry = out;
        entry.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
