package dev.lockstep.benchmarks;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code results.md}: the run's conditions, every scenario's targets and sections, then the tables. */
final class Report {

    private Report() {
    }

    /** Asks every scenario, run or not, so targets it did not measure say so. */
    static String markdown(BenchmarkRun run, List<Scenario> scenarios, double seconds) {
        Options options = run.options();
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append(String.format(Locale.ROOT, "%s, %s mode, %d measured rounds after a warm-up (heap: %d), "
                        + "PostgreSQL from %s, Java %s, %d cores; whole run %.0f s. Flyway %s, Liquibase %s. Cells: "
                        + "median (min–max) and, for the other tools, the ratio of their median to Lockstep's.%n%n",
                LocalDate.now(), options.quick() ? "quick" : "full", options.rounds(), HeapScenario.rounds(options),
                run.databases().server().source(), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), seconds, version("org.flywaydb", "flyway-core"),
                liquibase.util.LiquibaseUtil.getBuildVersion()));
        Targets targets = new Targets();
        Map<String, String> titles = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            scenario.targets(run, targets);
            titles.putAll(scenario.tables());
        }
        md.append(targets.markdown()).append('\n');
        for (Scenario scenario : scenarios) {
            md.append(scenario.section());
        }
        md.append(run.results().markdownTables(titles));
        md.append("![fresh apply](chart.png)\n\n![no-op](chart-noop.png)\n");
        return md.toString();
    }

    /** A library's version, from the Maven metadata in its jar. */
    static String version(String group, String artifact) {
        String file = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (var in = Report.class.getResourceAsStream(file)) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
