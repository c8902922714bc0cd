package dev.lockstep.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 5: peak live heap and allocation of a fresh apply, on the sets of 1,000 migrations and
 * more, each measurement in a JVM of its own ({@link HeapProbe}) so no tool inherits another's
 * heap. No warm-up round: a new JVM is cold every time, which is what a service's start sees.
 */
final class HeapScenario implements Scenario {

    @Override
    public String name() {
        return "heap";
    }

    @Override
    public String description() {
        return "peak live heap and allocation of a fresh apply, 1000 migrations and more, a JVM per measurement";
    }

    /** Fewer than the timed rounds: heap figures hardly vary, and each costs a JVM start. */
    static int rounds(Options options) {
        return options.quick() ? 1 : 3;
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        Rounds rounds = new Rounds(run.results(), rounds(run.options()), false);
        MigrationSet thousand = run.pick(1_000);
        for (MigrationSet set : run.sets()) {
            if (set.count() >= 1_000 || set == thousand) {
                rounds.run(name(), set, (round, recorder) -> {
                    for (Tool tool : Rounds.rotate(Tools.all(), round)) {
                        probe(run.databases(), tool, set, recorder);
                    }
                });
            }
        }
    }

    private static void probe(Databases databases, Tool tool, MigrationSet set, Rounds.Recorder recorder)
            throws Exception {
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
            recorder.add("peak_heap_mb", set, tool.name(), Long.parseLong(parts[1]) / 1048576.0);
            recorder.add("allocated_mb", set, tool.name(), Long.parseLong(parts[2]) / 1048576.0);
        } finally {
            databases.drop(db);
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("peak_heap_mb", "5a. Peak live heap during a fresh apply (MB, after each collection)");
        titles.put("allocated_mb", "5b. Bytes allocated by the migrating thread during a fresh apply (MB)");
        return titles;
    }
}
