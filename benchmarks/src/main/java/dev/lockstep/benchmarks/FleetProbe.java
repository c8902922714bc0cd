package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.FleetFailurePolicy;
import dev.lockstep.core.FleetReport;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;

/**
 * The fleet scenario's memory check, in a JVM of its own started with a small heap
 * ({@code -Xmx256m}, and {@code -XX:+ExitOnOutOfMemoryError} so running out ends it): Lockstep's
 * fleet over every schema whose name starts with the prefix, found by a tenants query as a
 * service with thousands of tenants would find them. Reports the time, the tenants and the peak
 * heap still in use after a collection.
 *
 * <p>Arguments: schema prefix, Lockstep migrations dir, JDBC URL, user, password. Prints
 * {@code FLEET <millis> <tenants> <migrated> <applied> <failed> <peak-live-bytes> <collections>}.
 */
public final class FleetProbe {

    private FleetProbe() {
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        String prefix = args[0];
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[2]);
        config.setUsername(args[3]);
        config.setPassword(args[4]);
        config.setMaximumPoolSize(FleetTools.PARALLELISM * 2);
        config.setMinimumIdle(0);

        LiveHeap heap = LiveHeap.watch();

        // LIKE treats _ as any character; the prefix's own underscores are meant literally.
        String pattern = prefix.replace("_", "\\_") + "%";
        try (HikariDataSource pool = new HikariDataSource(config)) {
            LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(pool)
                            .locations("filesystem:" + args[1]))
                    .tenantsQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + pattern + "' ORDER BY 1")
                    .parallelism(FleetTools.PARALLELISM)
                    .onFailure(FleetFailurePolicy.CONTINUE)
                    .load();
            long started = System.nanoTime();
            FleetReport report = fleet.migrate();
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("FLEET " + millis + " " + report.tenants().size() + " " + report.migrated().size() + " "
                    + report.applied() + " " + report.failed().size() + " " + heap.peakBytes() + " " + heap.collections());
        }
    }
}
