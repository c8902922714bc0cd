package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepIndex;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The index scenario measures nothing unless Lockstep finds the set in the jar, with and without the index. */
class ApplicationJarTest {

    @TempDir
    Path dir;

    @Test
    void lockstepFindsTheSetInTheJarThroughALoaderOfItsOwn() throws Exception {
        MigrationSet set = MigrationSets.generate(dir, 12);

        for (boolean indexed : new boolean[] {false, true}) {
            Path jar = indexed ? ApplicationJar.withIndex(dir.resolve("indexed"), set)
                    : ApplicationJar.withoutIndex(dir.resolve("files"), set);

            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getJarEntry("db/")).isNotNull();
                assertThat(file.getJarEntry("db/migrations/")).isNotNull();
                assertThat(file.getJarEntry("db/migrations/000012_step_12.up.sql")).isNotNull();
                assertThat(file.getJarEntry(LockstepIndex.PATH) != null).isEqualTo(indexed);
            }
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
                // Reading the files opens no connection: the DataSource is never asked for one.
                assertThat(Lockstep.configure().dataSource(new PGSimpleDataSource()).classLoader(loader)
                        .locations(ApplicationJar.LOCATION).load().scan()).hasSize(12);
            }
        }
    }
}
