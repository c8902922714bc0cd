package dev.lockstep.benchmarks;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationReport;
import dev.lockstep.core.VersionsMode;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One fresh apply in a JVM of its own, as a service's start or the command line's is: cold. Prints
 * one line, {@code cold-run phase=ms ...}, splitting the run by what Lockstep's listener hears, so
 * the split costs nothing the run would not do: the JVM's start up to {@code main}, configuring
 * (the settings checked), reading and analysing the files (up to {@code runStarted}, before any
 * connection), connecting, the session, the tracker and the lock (to {@code lockAcquired}), planning (to
 * {@code pendingResolved}), the migrations by kind (their own time as the engine measures it), the
 * work between them (tracker rows, session put back, logging), and the end of the run.
 *
 * <p>Arguments: JDBC URL of a database to create the run's databases from, user, password,
 * location, versions mode, and how many runs (the first cold, the next ones in the warmed JVM).
 */
public final class ColdRun {

    private ColdRun() {
    }

    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        if (args[0].equals("--write-realset")) {
            System.out.println(RealSet.write(java.nio.file.Path.of(args[1])).dir());
            return;
        }
        if (args[0].equals("--write-diesel")) {
            System.out.println(DieselSetFiles.write(java.nio.file.Path.of(args[1])));
            return;
        }
        long jvmMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        logAsAServiceDoes(System.getProperty("lockstep.cold.log", "service"));
        int runs = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        if (runs == 0) {
            // The URL's database as it is, once: the benchmark made it and drops it.
            Map<String, Double> phases = new LinkedHashMap<>();
            phases.put("jvm", (double) jvmMillis);
            phases.put("main", (System.nanoTime() - mainNanos) / 1e6);
            phases.putAll(once(args, null));
            System.out.println(line(0, phases));
            return;
        }
        for (int run = 1; run <= runs; run++) {
            String database = "lockstep_cold_" + run;
            admin(args, "DROP DATABASE IF EXISTS " + database);
            admin(args, "CREATE DATABASE " + database);
            try {
                Map<String, Double> phases = new LinkedHashMap<>();
                if (run == 1) {
                    phases.put("jvm", (double) jvmMillis);
                    phases.put("main", (System.nanoTime() - mainNanos) / 1e6);
                }
                phases.putAll(once(args, database));
                System.out.println(line(run, phases));
            } finally {
                admin(args, "DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    static final String PREFIX = "cold-run ";

    /**
     * Where the engine's INFO lines go. {@code service}: as in a Spring Boot service, through
     * jul-to-slf4j to logback (set up here, before the run is timed, as Boot does before any bean),
     * one line per migration on standard output (the benchmarks' logback.xml), which the benchmark
     * reads as a service's log collector would. {@code jul}:
     * the JDK's own console handler and formatter, which a plain Java program without a logging
     * set-up gets (it finds each record's caller by walking the stack, and formats with
     * {@code String.format}).
     */
    private static void logAsAServiceDoes(String log) {
        if (log.equals("jul")) {
            return;
        }
        java.util.logging.LogManager.getLogManager().reset();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        java.util.logging.Logger.getLogger("dev.lockstep").setLevel(java.util.logging.Level.INFO);
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.getLogger("dev.lockstep").setLevel(ch.qos.logback.classic.Level.INFO);
    }

    private static String line(int run, Map<String, Double> phases) {
        return PREFIX + "run=" + run + " " + phases.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.1f", e.getValue()))
                .collect(Collectors.joining(" "));
    }

    /** One fresh apply into {@code database} (null: the URL's), split by phase. */
    private static Map<String, Double> once(String[] args, String database) throws Exception {
        PGSimpleDataSource dataSource = dataSource(args);
        if (database != null) {
            dataSource.setDatabaseName(database);
        }
        Split split = new Split();
        long started = System.nanoTime();
        Lockstep lockstep = Lockstep.configure().dataSource(dataSource).locations(args[3])
                .versions(VersionsMode.valueOf(args[4].toUpperCase(Locale.ROOT))).listener(split).load();
        split.mark("configure");
        MigrationReport report = lockstep.migrate();
        long total = System.nanoTime() - started;
        split.mark("finish");
        Map<String, Double> phases = new LinkedHashMap<>(split.phases());
        phases.put("total", total / 1e6);
        phases.put("applied", (double) report.applied().size());
        return phases;
    }

    private static PGSimpleDataSource dataSource(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[0]);
        dataSource.setUser(args[1]);
        if (!args[2].isEmpty()) {
            dataSource.setPassword(args[2]);
        }
        return dataSource;
    }

    private static void admin(String[] args, String sql) throws java.sql.SQLException {
        try (java.sql.Connection connection = dataSource(args).getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Time between the listener's events, and the migrations' own time by kind. */
    private static final class Split implements LockstepListener {

        private final Map<String, Double> phases = new LinkedHashMap<>();
        private long last = System.nanoTime();
        private long migrationsEnded;
        private double transactional;
        private double outside;
        private int transactionalCount;
        private int outsideCount;
        /** Each migration's own time, in the order applied: how fast the run warms up. */
        private final java.util.List<Double> each = new java.util.ArrayList<>();

        void mark(String phase) {
            long now = System.nanoTime();
            phases.merge(phase, (now - last) / 1e6, Double::sum);
            last = now;
        }

        @Override
        public void runStarted(List<Migration> onDisk) {
            mark("files");
        }

        @Override
        public void lockAcquired(Duration waited) {
            mark("connect-lock");
        }

        @Override
        public void pendingResolved(List<Migration> pending, int alreadyApplied) {
            mark("plan");
        }

        @Override
        public void migrationApplied(Migration migration, Duration took) {
            double millis = took.toNanos() / 1e6;
            each.add(millis);
            if (migration.transactional()) {
                transactional += millis;
                transactionalCount++;
            } else {
                outside += millis;
                outsideCount++;
            }
            migrationsEnded = System.nanoTime();
        }

        Map<String, Double> phases() {
            // "finish" so far runs from the plan to the end; take the migrations out of it.
            double applying = migrationsEnded == 0 ? 0 : phases.getOrDefault("finish", 0.0);
            Map<String, Double> out = new LinkedHashMap<>(phases);
            out.put("tx-migrations", transactional);
            out.put("tx-count", (double) transactionalCount);
            out.put("outside-migrations", outside);
            out.put("outside-count", (double) outsideCount);
            out.put("between-and-finish", applying - transactional - outside);
            // The first and the last quarter of the migrations, mean ms each: cold code against warmed.
            int quarter = each.size() / 4;
            if (quarter > 0) {
                out.put("first-quarter-each", each.subList(0, quarter).stream().mapToDouble(d -> d).average()
                        .orElse(0));
                out.put("last-quarter-each", each.subList(each.size() - quarter, each.size()).stream()
                        .mapToDouble(d -> d).average().orElse(0));
            }
            out.remove("finish");
            return out;
        }
    }
}
