package dev.lockstep.maven;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Runs the jobs of the batched migrations to their end, in the build (each under its own lock, so
 * a job another process runs is left to it); fails the build when one failed. With tenants,
 * {@code fleet.jobs-parallelism} tenants at once.
 */
@Mojo(name = "run-jobs", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class RunJobsMojo extends DatabaseMojo {

    private static final String NONE = "no job to run: none is pending or running, or another process runs each";

    @Override
    String goal() {
        return "run-jobs";
    }

    @Override
    void run(Lockstep lockstep) throws MojoFailureException {
        check(JobsMojo.report(getLog(), "", lockstep.runJobs(), NONE));
    }

    @Override
    void run(LockstepFleet fleet) throws MojoFailureException {
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, List<BatchedJob>> tenant : fleet.runJobs(() -> false).entrySet()) {
            failed.addAll(JobsMojo.report(getLog(), "Tenant " + tenant.getKey() + ": ", tenant.getValue(), NONE));
        }
        check(failed);
    }

    private static void check(List<String> failed) throws MojoFailureException {
        if (!failed.isEmpty()) {
            throw new MojoFailureException("Failed job(s): " + String.join(", ", failed));
        }
    }

}
