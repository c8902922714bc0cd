package dev.lockstep.benchmarks;

import dev.lockstep.core.Lockstep;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;

/**
 * Lockstep reading its migrations from an {@link ApplicationJar}, through a class loader of its
 * own that sees nothing but that jar (parent: the bootstrap loader), as a restart of the
 * application would: a new loader each run, made before the time starts.
 *
 * @param name the results' tool column
 * @param jar the application jar
 */
record JarLockstep(String name, Path jar) implements Tool {

    /** A run's two parts: {@code configure()...load()}, which checks the settings and the location, and {@code migrate()}. */
    record Split(double loadMillis, double migrateMillis) {

        double totalMillis() {
            return loadMillis + migrateMillis;
        }
    }

    Split timed(DataSource dataSource) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            long started = System.nanoTime();
            Lockstep lockstep = Lockstep.configure().dataSource(dataSource).classLoader(loader)
                    .locations(List.of(ApplicationJar.LOCATION)).load();
            long loaded = System.nanoTime();
            lockstep.migrate();
            return new Split((loaded - started) / 1e6, (System.nanoTime() - loaded) / 1e6);
        }
    }

    @Override
    public void migrate(DataSource dataSource, MigrationSet set) throws IOException {
        timed(dataSource);
    }
}
