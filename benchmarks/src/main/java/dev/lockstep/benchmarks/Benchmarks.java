package dev.lockstep.benchmarks;

import dev.lockstep.test.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Lockstep, Flyway, Liquibase and the raw-SQL floor side by side: same server, same files, same
 * JVM, interleaved (each round rotates which tool goes first), a warm-up round, then measured
 * rounds; medians reported. Results go to {@code benchmarks/results/}.
 *
 * <pre>
 * java -jar benchmarks/target/lockstep-benchmarks.jar [--quick] [--rounds N] [--out DIR] [FOLDER ...]
 * </pre>
 * Each FOLDER of {@code <n>_<name>.up.sql} or {@code V<n>__<name>.sql} files is measured like the
 * generated sets.
 */
public final class Benchmarks {

    private static final int HERD = 8;
    /** Held so the level set on it is not lost when the logger is collected. */
    private static final Logger LIQUIBASE_LOG = Logger.getLogger("liquibase");
    private static final java.time.Duration HANG_LIMIT = java.time.Duration.ofSeconds(20);

    private final boolean quick;
    private final int rounds;
    private final Databases databases;
    private final Results results = new Results();

    private Benchmarks(boolean quick, int rounds, Databases databases) {
        this.quick = quick;
        this.rounds = rounds;
        this.databases = databases;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Integer rounds = null;
        List<Integer> sizes = null;
        List<String> only = List.of("fresh", "herd", "boot", "heap");
        Path out = Path.of("benchmarks", "results");
        List<Path> folders = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--only" -> only = List.of(args[++i].split(","));
                default -> folders.add(Path.of(args[i]));
            }
        }
        quietLogging();
        Benchmarks benchmarks = new Benchmarks(quick, rounds != null ? rounds : quick ? 2 : 5,
                new Databases(TestPostgres.get()));
        benchmarks.run(out, folders, sizes != null ? sizes : quick ? List.of(10, 100) : List.of(10, 100, 1_000, 5_000),
                only);
    }

    /** Liquibase and Flyway log every step at INFO; keep the console to progress lines. */
    static void quietLogging() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        java.util.logging.ConsoleHandler console = new java.util.logging.ConsoleHandler();
        console.setLevel(Level.WARNING);
        root.addHandler(console);
        LIQUIBASE_LOG.setLevel(Level.OFF);
        System.setProperty("liquibase.analytics.enabled", "false");
        System.setProperty("liquibase.showBanner", "false");
        // Liquibase polls its lock row every 10 s by default, so in a herd every waiter would add up
        // to 10 s; 1 s keeps the run short and is still Liquibase's own mechanism.
        System.setProperty("liquibase.changelogLockPollRate", "1");
    }

    private void run(Path out, List<Path> folders, List<Integer> sizes, List<String> only) throws Exception {
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("lockstep-bench");
        List<MigrationSet> sets = new ArrayList<>();
        for (int size : sizes) {
            sets.add(MigrationSets.generate(work, size));
        }
        for (Path folder : folders) {
            sets.add(MigrationSets.fromFolder(work, folder));
        }
        List<String> tools = Tools.all().stream().map(Tool::name).toList();
        log("PostgreSQL from %s; %d measured rounds after one warm-up%s", databases.server().source(), rounds,
                quick ? " (quick mode)" : "");

        String flywayDefaults = "Not measured in this run.";
        MigrationSet herdSet = pick(sets, 100);
        if (only.contains("fresh")) {
            flywayDefaults = flywayDefaultsWithConcurrentIndex(pick(sets, 10));
            for (MigrationSet set : sets) {
                freshAndNoop(set);
            }
        }
        if (only.contains("herd")) {
            herd(herdSet);
        }
        if (only.contains("boot")) {
            bootStartup(MigrationSets.generate(work, 0));
            bootStartup(pick(sets, 1_000));
        }
        if (only.contains("heap")) {
            for (MigrationSet set : sets) {
                if (set.count() >= 1_000 || set == pick(sets, 1_000)) {
                    heap(set);
                }
            }
        }

        Files.createDirectories(out);
        results.writeCsv(out.resolve("summary.csv"));
        List<MigrationSet> generated = sets.subList(0, sizes.size());
        Charts.write(results, "fresh", "Fresh apply on an empty database", generated, tools, out.resolve("chart.png"));
        Charts.write(results, "noop", "No-op: everything already applied", generated, tools, out.resolve("chart-noop.png"));
        Files.writeString(out.resolve("results.md"), markdown(sets, herdSet, flywayDefaults,
                (System.nanoTime() - started) / 1e9));
        log("Wrote %s (%.0f s)", out.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
    }

    /**
     * Flyway with its defaults on a set with {@code CREATE INDEX CONCURRENTLY}: it keeps a
     * transaction open on one connection while the index build on another waits for it. Gives it
     * {@link #HANG_LIMIT}; returns a sentence for the report.
     */
    private String flywayDefaultsWithConcurrentIndex(MigrationSet set) throws Exception {
        String db = databases.create();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (var pool = databases.pool(db)) {
            long started = System.nanoTime();
            Future<?> run = thread.submit(() -> {
                new Tools.FlywayTool(true).migrate(pool, set);
                return null;
            });
            try {
                run.get(HANG_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                return String.format(Locale.ROOT, "Flyway with its defaults finished the %s-migration set in %.0f ms.",
                        set.name(), (System.nanoTime() - started) / 1e6);
            } catch (java.util.concurrent.TimeoutException e) {
                log("Flyway with its defaults is stuck on CREATE INDEX CONCURRENTLY after %d s", HANG_LIMIT.toSeconds());
                return "Flyway " + version("org.flywaydb", "flyway-core") + " with its defaults did not finish the "
                        + set.name() + "-migration set within " + HANG_LIMIT.toSeconds() + " s: its first "
                        + "`CREATE INDEX CONCURRENTLY` waits (`Lock: virtualxid`) for the snapshot of Flyway's own "
                        + "other connection, `idle in transaction` under the default transactional advisory lock. "
                        + "The tables below use `flyway.postgresql.transactional.lock=false` for Flyway.";
            }
        } finally {
            databases.drop(db);
            thread.shutdownNow();
        }
    }

    /** Scenarios 1 and 2: apply everything to an empty database, then run again with nothing to do. */
    private void freshAndNoop(MigrationSet set) throws Exception {
        List<Tool> tools = Tools.all();
        for (int round = 0; round <= rounds; round++) {
            for (Tool tool : rotate(tools, round)) {
                String db = databases.create();
                try (var pool = databases.pool(db)) {
                    double fresh = time(() -> tool.migrate(pool, set));
                    double noop = tool.name().equals("floor") ? Double.NaN : time(() -> tool.migrate(pool, set));
                    if (round > 0) {
                        results.add("fresh", set, tool.name(), fresh);
                        if (!Double.isNaN(noop)) {
                            results.add("noop", set, tool.name(), noop);
                        }
                    }
                } finally {
                    databases.drop(db);
                }
            }
            log("fresh/no-op %s: round %d of %d%s", set.name(), round, rounds, round == 0 ? " (warm-up)" : "");
        }
    }

    /** Scenario 3: eight runners at once on an empty database, against one runner alone. */
    private void herd(MigrationSet set) throws Exception {
        List<Tool> tools = Tools.all().stream().filter(Tool::serializesRunners).toList();
        for (int round = 0; round <= rounds; round++) {
            for (Tool tool : rotate(tools, round)) {
                for (int runners : new int[] {1, HERD}) {
                    String db = databases.create();
                    try {
                        double wall = herdWallMillis(tool, set, db, runners, round > 0);
                        if (round > 0) {
                            results.add("herd" + runners, set, tool.name(), wall);
                        }
                    } finally {
                        databases.drop(db);
                    }
                }
            }
            log("herd %s: round %d of %d%s", set.name(), round, rounds, round == 0 ? " (warm-up)" : "");
        }
    }

    /** Wall time until every runner is done; a runner that fails is counted, not fatal. */
    private double herdWallMillis(Tool tool, MigrationSet set, String db, int runners, boolean record)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(runners);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < runners; i++) {
                DataSource own = databases.unpooled(db);
                futures.add(threads.submit(() -> {
                    gate.await();
                    tool.migrate(own, set);
                    return null;
                }));
            }
            long started = System.nanoTime();
            gate.countDown();
            int failed = 0;
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    log("  %s runner failed: %s", tool.name(), rootMessage(e));
                }
            }
            double wall = (System.nanoTime() - started) / 1e6;
            if (record) {
                results.add("herd" + runners + "_failed_runners", set, tool.name(), failed);
            }
            return wall;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Scenario 4: Spring Boot started to ready against a database the tool migrated before. */
    private void bootStartup(MigrationSet set) throws Exception {
        List<Tool> tools = Tools.all().stream().filter(Tool::serializesRunners).toList();
        for (int round = 0; round <= rounds; round++) {
            for (Tool tool : rotate(tools, round)) {
                String db = databases.create();
                try {
                    try (var pool = databases.pool(db)) {
                        tool.migrate(pool, set);
                    }
                    var server = databases.server();
                    double millis = BootStartup.startMillis(tool.name(), databases.url(db), server.user(),
                            server.password(), set);
                    if (round > 0) {
                        results.add("boot_startup", set, tool.name(), millis);
                    }
                } finally {
                    databases.drop(db);
                }
            }
            log("boot startup %s: round %d of %d%s", set.name(), round, rounds, round == 0 ? " (warm-up)" : "");
        }
    }

    /** Scenario 5: peak live heap and allocation of a fresh apply, each in a JVM of its own. */
    private void heap(MigrationSet set) throws Exception {
        int heapRounds = quick ? 1 : 3;
        for (int round = 0; round < heapRounds; round++) {
            for (Tool tool : rotate(Tools.all(), round)) {
                String db = databases.create();
                try {
                    var server = databases.server();
                    Process probe = new ProcessBuilder(javaCommand(), "-Xmx2g", "-Xmn8m", "-XX:+UseSerialGC", "-cp",
                            System.getProperty("java.class.path"), HeapProbe.class.getName(), tool.name(), set.name(),
                            String.valueOf(set.count()), set.lockstepDir().toString(), set.flywayDir().toString(),
                            set.liquibaseChangelog().toString(), databases.url(db), server.user(), server.password())
                            .redirectErrorStream(true).start();
                    String heapLine = null;
                    try (BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream()))) {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            if (line.startsWith("HEAP ")) {
                                heapLine = line;
                            }
                        }
                    }
                    if (probe.waitFor() != 0 || heapLine == null) {
                        throw new IllegalStateException("heap probe for " + tool.name() + " failed");
                    }
                    String[] parts = heapLine.split(" ");
                    results.add("peak_heap_mb", set, tool.name(), Long.parseLong(parts[1]) / 1048576.0);
                    results.add("allocated_mb", set, tool.name(), Long.parseLong(parts[2]) / 1048576.0);
                } finally {
                    databases.drop(db);
                }
            }
            log("heap %s: round %d of %d", set.name(), round + 1, heapRounds);
        }
    }

    /** The generated set of this size, or the largest one below it. */
    private static MigrationSet pick(List<MigrationSet> sets, int size) {
        MigrationSet best = sets.get(0);
        for (MigrationSet set : sets) {
            if (set.count() <= size && set.count() >= best.count()) {
                best = set;
            }
        }
        return best;
    }

    private String markdown(List<MigrationSet> sets, MigrationSet herdSet, String flywayDefaults, double seconds) {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("fresh", "1. Fresh apply on an empty database (ms)");
        titles.put("noop", "2. No-op: everything already applied, run again (ms)");
        titles.put("herd1", "3a. One runner on an empty database, wall time (ms)");
        titles.put("herd" + HERD, "3b. " + HERD + " runners at once on an empty database, wall time until all are done (ms)");
        titles.put("herd" + HERD + "_failed_runners", "3c. Runners of the " + HERD + " that failed (count, per round)");
        titles.put("boot_startup", "4. Spring Boot startup to ready, migrations already applied (ms)");
        titles.put("peak_heap_mb", "5a. Peak live heap during a fresh apply (MB, after each collection)");
        titles.put("allocated_mb", "5b. Bytes allocated by the migrating thread during a fresh apply (MB)");
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append(String.format(Locale.ROOT, "%s, %s mode, %d measured rounds after a warm-up (heap: %d), "
                        + "PostgreSQL from %s, Java %s, %d cores; whole run %.0f s. Flyway %s, Liquibase %s. Cells: "
                        + "median (min–max) and, for the other tools, the ratio of their median to Lockstep's.%n%n",
                LocalDate.now(), quick ? "quick" : "full", rounds, quick ? 1 : 3, databases.server().source(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), seconds,
                version("org.flywaydb", "flyway-core"), liquibase.util.LiquibaseUtil.getBuildVersion()));
        md.append(targets(sets, herdSet)).append('\n');
        md.append("## CREATE INDEX CONCURRENTLY with Flyway's defaults\n\n").append(flywayDefaults).append("\n\n");
        md.append(results.markdownTables(titles));
        md.append("![fresh apply](chart.png)\n\n![no-op](chart-noop.png)\n");
        return md.toString();
    }

    private String targets(List<MigrationSet> sets, MigrationSet herdSet) {
        StringBuilder md = new StringBuilder("## Targets\n\n");
        String noopSet = sets.stream().anyMatch(s -> s.name().equals("1000")) ? "1000" : sets.get(sets.size() - 1).name();
        target(md, "no-op at " + noopSet + ": Flyway / Lockstep ≥ 10", ratio("noop", noopSet, "flyway", "lockstep"), 10, true);
        for (MigrationSet set : sets) {
            target(md, "fresh apply at " + set.name() + ": Lockstep / floor ≤ 1.5", ratio("fresh", set.name(), "lockstep", "floor"),
                    1.5, false);
        }
        Samples one = results.get("herd1", herdSet.name(), "lockstep");
        Samples eight = results.get("herd" + HERD, herdSet.name(), "lockstep");
        target(md, "herd of " + HERD + " at " + herdSet.name() + ": " + HERD + " runners / one runner ≤ 1.2",
                one == null || eight == null ? Double.NaN : eight.median() / one.median(), 1.2, false);
        return md.toString();
    }

    private double ratio(String scenario, String set, String tool, String over) {
        Samples a = results.get(scenario, set, tool);
        Samples b = results.get(scenario, set, over);
        return a == null || b == null ? Double.NaN : a.median() / b.median();
    }

    private static void target(StringBuilder md, String what, double value, double limit, boolean atLeast) {
        if (Double.isNaN(value)) {
            md.append("- ").append(what).append(": not measured in this run\n");
            return;
        }
        boolean met = atLeast ? value >= limit : value <= limit;
        md.append(String.format(Locale.ROOT, "- %s: **%.2f** %s%n", what, value, met ? "(met)" : "(NOT met)"));
    }

    private static List<Tool> rotate(List<Tool> tools, int round) {
        List<Tool> rotated = new ArrayList<>(tools);
        java.util.Collections.rotate(rotated, -(round % tools.size()));
        return rotated;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private static double time(Work work) throws Exception {
        long started = System.nanoTime();
        work.run();
        return (System.nanoTime() - started) / 1e6;
    }

    /** A library's version, from the Maven metadata in its jar. */
    static String version(String group, String artifact) {
        try (var in = Benchmarks.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
