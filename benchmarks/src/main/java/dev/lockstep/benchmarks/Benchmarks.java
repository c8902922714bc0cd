package dev.lockstep.benchmarks;

import dev.lockstep.test.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Lockstep, Flyway, Liquibase and the raw-SQL floor side by side: same server, same files, same
 * JVM, interleaved (each round rotates which tool goes first), a warm-up round, then measured
 * rounds; medians reported. Results go to {@code benchmarks/results/}; {@code --help} lists the
 * options and the {@link Scenario scenarios}.
 */
public final class Benchmarks {

    /** Held so the level set on it is not lost when the logger is collected. */
    private static final Logger LIQUIBASE_LOG = Logger.getLogger("liquibase");

    /** In report order; {@code --only} picks among them, the run keeps this order. */
    private static List<Scenario> scenarios() {
        return List.of(new FreshScenario(), new HerdScenario(), new BootScenario(), new HeapScenario(),
                new CloneScenario(), new FleetScenario(), new RealSetScenario(), new IndexScenario(), new ColdScenario(),
                new DriftScenario(), new JobScenario(), new ExpandScenario());
    }

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        List<Scenario> scenarios = scenarios();
        Options options;
        try {
            options = Options.parse(args, scenarios.stream().map(Scenario::name).toList(),
                    scenarios.stream().filter(Scenario::runsByDefault).map(Scenario::name).toList());
        } catch (Options.Invalid e) {
            System.err.println("lockstep-benchmarks: " + e.getMessage() + "; see --help");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(Options.usage(scenarios));
            return;
        }
        quietLogging();
        run(options, scenarios);
    }

    /** Liquibase and Flyway log every step at INFO; keep the console to progress lines. */
    static void quietLogging() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.WARNING);
        root.addHandler(console);
        LIQUIBASE_LOG.setLevel(Level.OFF);
        System.setProperty("liquibase.analytics.enabled", "false");
        System.setProperty("liquibase.showBanner", "false");
        // Liquibase polls its lock row every 10 s by default, so in a herd every waiter would add up
        // to 10 s; 1 s keeps the run short and is still Liquibase's own mechanism.
        System.setProperty("liquibase.changelogLockPollRate", "1");
    }

    private static void run(Options options, List<Scenario> scenarios) throws Exception {
        Path work = Files.createTempDirectory("lockstep-bench");
        try {
            run(options, scenarios, work);
        } finally {
            deleteTree(work);
        }
    }

    /** The generated migration sets and each tool's copy of them: megabytes per run, gone after it. */
    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void run(Options options, List<Scenario> scenarios, Path work) throws Exception {
        long started = System.nanoTime();
        List<MigrationSet> generated = new ArrayList<>();
        for (int size : options.sizes()) {
            generated.add(MigrationSets.generate(work, size));
        }
        List<MigrationSet> folders = new ArrayList<>();
        for (Path folder : options.folders()) {
            folders.add(MigrationSets.fromFolder(work, folder));
        }
        BenchmarkRun run = new BenchmarkRun(options, new Databases(TestPostgres.get()), new Results(), work,
                List.copyOf(generated), List.copyOf(folders));
        Log.line("PostgreSQL from %s; %d measured rounds after one warm-up%s", run.databases().server().source(),
                options.rounds(), options.quick() ? " (quick mode)" : "");

        for (Scenario scenario : scenarios) {
            if (options.only().contains(scenario.name())) {
                scenario.run(run);
            }
        }

        Path out = Files.createDirectories(options.out());
        run.results().writeCsv(out.resolve("summary.csv"));
        List<String> tools = Tools.all().stream().map(Tool::name).toList();
        Charts.write(run.results(), "fresh", "Fresh apply on an empty database", generated, tools,
                out.resolve("chart.png"));
        Charts.write(run.results(), "noop", "No-op: everything already applied", generated, tools,
                out.resolve("chart-noop.png"));
        Files.writeString(out.resolve("results.md"),
                Report.markdown(run, scenarios, (System.nanoTime() - started) / 1e9));
        Log.line("Wrote %s (%.0f s)", out.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
    }
}
