package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Every measurement, keyed by scenario, set and tool; written as CSV and Markdown. */
final class Results {

    record Key(String scenario, String set, int migrations, String tool) {
    }

    private final Map<Key, Samples> samples = new LinkedHashMap<>();

    void add(String scenario, MigrationSet set, String tool, double value) {
        samples.computeIfAbsent(new Key(scenario, set.name(), set.count(), tool), k -> new Samples()).add(value);
    }

    Samples get(String scenario, String set, String tool) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().scenario().equals(scenario) && e.getKey().set().equals(set)
                        && e.getKey().tool().equals(tool))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The median of one cell; NaN when it was not measured, so ratios of it say "not measured". */
    double median(String scenario, String set, String tool) {
        Samples cell = get(scenario, set, tool);
        return cell == null ? Double.NaN : cell.median();
    }

    /** The tools measured in a scenario on a set, in the order they were first measured. */
    List<String> tools(String scenario, String set) {
        return samples.keySet().stream().filter(k -> k.scenario().equals(scenario) && k.set().equals(set))
                .map(Key::tool).distinct().toList();
    }

    Set<Key> keys() {
        return samples.keySet();
    }

    /** This tool's median over Lockstep's, for the same scenario and set; NaN without Lockstep. */
    double ratioToLockstep(Key key) {
        Samples lockstep = get(key.scenario(), key.set(), "lockstep");
        return lockstep == null || lockstep.median() == 0 ? Double.NaN : samples.get(key).median() / lockstep.median();
    }

    void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("scenario,migrations,tool,median_ms,min_ms,max_ms,ratio_to_lockstep");
        samples.forEach((k, s) -> lines.add(String.join(",", k.scenario(), k.set(), k.tool(), number(s.median()),
                number(s.min()), number(s.max()), number(ratioToLockstep(k)))));
        Files.write(file, lines);
    }

    /** One table per scenario: a row per set, a column per tool with median (min to max) and ratio. */
    String markdownTables(Map<String, String> scenarioTitles) {
        StringBuilder md = new StringBuilder();
        scenarioTitles.forEach((scenario, title) -> {
            Set<String> tools = new LinkedHashSet<>();
            Set<String> sets = new LinkedHashSet<>();
            samples.keySet().stream().filter(k -> k.scenario().equals(scenario)).forEach(k -> {
                tools.add(k.tool());
                sets.add(k.set());
            });
            if (tools.isEmpty()) {
                return;
            }
            md.append("### ").append(title).append("\n\n| migrations |");
            tools.forEach(t -> md.append(' ').append(t).append(" |"));
            md.append("\n|---|").append("---|".repeat(tools.size())).append('\n');
            for (String set : sets) {
                md.append("| ").append(set).append(" |");
                for (String tool : tools) {
                    Samples s = get(scenario, set, tool);
                    if (s == null) {
                        md.append(" — |");
                        continue;
                    }
                    Key key = new Key(scenario, set, 0, tool);
                    double ratio = samples.entrySet().stream().filter(e -> sameCell(e.getKey(), key)).findFirst()
                            .map(e -> ratioToLockstep(e.getKey())).orElse(Double.NaN);
                    md.append(' ').append(number(s.median())).append(" (").append(number(s.min())).append("–")
                            .append(number(s.max())).append(")");
                    if (!tool.equals("lockstep") && !Double.isNaN(ratio)) {
                        md.append(" ×").append(String.format(Locale.ROOT, "%.2f", ratio));
                    }
                    md.append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        });
        return md.toString();
    }

    private static boolean sameCell(Key a, Key b) {
        return a.scenario().equals(b.scenario()) && a.set().equals(b.set()) && a.tool().equals(b.tool());
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
