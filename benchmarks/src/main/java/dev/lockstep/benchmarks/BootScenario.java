package dev.lockstep.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * Scenario 4: Spring Boot started to ready against a database the tool migrated before (outside
 * the measured time), with 0 and with 1,000 migrations: what every restart of a service pays.
 */
final class BootScenario implements Scenario {

    @Override
    public String name() {
        return "boot";
    }

    @Override
    public String description() {
        return "Spring Boot startup to ready with each tool's starter, 0 and 1000 migrations already applied";
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        for (MigrationSet set : List.of(MigrationSets.generate(run.work(), 0), run.pick(1_000))) {
            List<Tool> tools = Tools.all().stream().filter(Tool::serializesRunners).toList();
            run.rounds().run(name(), set, (round, recorder) -> {
                for (Tool tool : Rounds.rotate(tools, round)) {
                    recorder.add("boot_startup", set, tool.name(), startMillis(run.databases(), tool, set));
                }
            });
        }
    }

    private static double startMillis(Databases databases, Tool tool, MigrationSet set) throws Exception {
        String db = databases.create();
        try {
            try (var pool = databases.pool(db)) {
                tool.migrate(pool, set);
            }
            var server = databases.server();
            return BootStartup.startMillis(tool.name(), databases.url(db), server.user(), server.password(), set);
        } finally {
            databases.drop(db);
        }
    }

    @Override
    public Map<String, String> tables() {
        return Map.of("boot_startup", "4. Spring Boot startup to ready, migrations already applied (ms)");
    }
}
