package dev.lockstep.cli;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code jobs} and {@code run-jobs}, in the one database or in each tenant named: a line per job
 * ({@link BatchedJob#describe()}), tenants without jobs left out, and for a fleet a count per state.
 */
final class JobCommands {

    private final PrintStream out;
    private final Targets targets;

    JobCommands(PrintStream out, Targets targets) {
        this.out = out;
        this.targets = targets;
    }

    ExitCode execute(String command) {
        return command.equals("jobs") ? list() : run();
    }

    private ExitCode list() {
        Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
        List<Targets.Target> all = targets.all();
        for (Targets.Target target : all) {
            List<BatchedJob> jobs = target.engine().jobs();
            if (jobs.isEmpty()) {
                continue;
            }
            target.tenant().ifPresent(t -> out.println("== tenant " + t));
            jobs.forEach(job -> {
                out.println(job.describe());
                counts.merge(job.state(), 1, Integer::sum);
            });
        }
        if (counts.isEmpty()) {
            out.println("No batched migration's job" + (targets.fleet().isPresent() ? " in " + all.size()
                    + " tenant(s)" : "") + ".");
        } else if (targets.fleet().isPresent()) {
            out.println(summary(counts) + " in " + all.size() + " tenant(s)");
        }
        return ExitCode.OK;
    }

    private ExitCode run() {
        Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
        if (targets.fleet().isPresent()) {
            targets.fleet().get().runJobs(() -> Thread.currentThread().isInterrupted()).forEach((tenant, jobs) ->
                    jobs.forEach(job -> {
                        out.println(tenant + ": " + job.describe());
                        counts.merge(job.state(), 1, Integer::sum);
                    }));
        } else {
            for (BatchedJob job : targets.all().get(0).engine().runJobs()) {
                out.println(job.describe());
                counts.merge(job.state(), 1, Integer::sum);
            }
        }
        out.println(counts.isEmpty() ? "No job to run: none is pending or running, or another process runs each."
                : "Ran " + summary(counts));
        return counts.containsKey(JobState.FAILED) ? ExitCode.FAILED : ExitCode.OK;
    }

    private static String summary(Map<JobState, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum() + " job(s): " + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().label()).collect(Collectors.joining(", "));
    }
}
