package dev.lockstep.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * Scenario 3: {@value #RUNNERS} runners at once on an empty database, as replicas starting
 * together, against one runner alone; wall time until every runner is done. A runner that fails is
 * counted, not fatal: losing runners is one of the things it shows.
 */
final class HerdScenario implements Scenario {

    static final int RUNNERS = 8;
    private static final int SET_SIZE = 100;

    @Override
    public String name() {
        return "herd";
    }

    @Override
    public String description() {
        return RUNNERS + " runners at once on an empty database against one alone, " + SET_SIZE + " migrations";
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        MigrationSet set = run.pick(SET_SIZE);
        List<Tool> tools = Tools.all().stream().filter(Tool::serializesRunners).toList();
        run.rounds().run(name(), set, (round, recorder) -> {
            for (Tool tool : Rounds.rotate(tools, round)) {
                for (int runners : new int[] {1, RUNNERS}) {
                    herd(run.databases(), tool, set, runners, recorder);
                }
            }
        });
    }

    private static void herd(Databases databases, Tool tool, MigrationSet set, int runners, Rounds.Recorder recorder)
            throws Exception {
        String db = databases.create();
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < runners; i++) {
                DataSource own = databases.unpooled(db);
                tasks.add(() -> {
                    tool.migrate(own, set);
                    return null;
                });
            }
            Together.Outcome<Void> outcome = Together.run(tasks);
            for (Throwable failure : outcome.failures()) {
                Log.line("  %s runner failed: %s", tool.name(), Together.rootMessage(failure));
            }
            recorder.add("herd" + runners + "_failed_runners", set, tool.name(), outcome.failures().size());
            recorder.add("herd" + runners, set, tool.name(), outcome.wallMillis());
        } finally {
            databases.drop(db);
        }
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("herd1", "3a. One runner on an empty database, wall time (ms)");
        titles.put("herd" + RUNNERS, "3b. " + RUNNERS + " runners at once on an empty database, wall time until all "
                + "are done (ms)");
        titles.put("herd" + RUNNERS + "_failed_runners", "3c. Runners of the " + RUNNERS + " that failed (count, per "
                + "round)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        String set = run.pick(SET_SIZE).name();
        Results results = run.results();
        targets.atMost("herd of " + RUNNERS + " at " + set + ": " + RUNNERS + " runners / one runner ≤ 1.2",
                results.median("herd" + RUNNERS, set, "lockstep") / results.median("herd1", set, "lockstep"), 1.2);
    }
}
