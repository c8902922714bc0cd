package dev.lockstep.maven;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Lists the jobs of the batched migrations applied here (state, rows done, rate, ETA); fails the
 * build when one failed, naming its key range and error. With tenants, each tenant's.
 */
@Mojo(name = "jobs", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class JobsMojo extends DatabaseMojo {

    @Override
    String goal() {
        return "jobs";
    }

    @Override
    void run(Lockstep lockstep) throws MojoFailureException {
        List<String> failed = report(getLog(), "", lockstep.jobs(), "no batched migration's job");
        if (!failed.isEmpty()) {
            throw new MojoFailureException("Failed job(s): " + String.join(", ", failed));
        }
    }

    @Override
    void run(LockstepFleet fleet) throws MojoFailureException {
        List<String> failed = new ArrayList<>();
        for (String tenant : fleet.tenantNames()) {
            failed.addAll(report(getLog(), "Tenant " + tenant + ": ", fleet.tenant(tenant).jobs(),
                    "no batched migration's job"));
        }
        if (!failed.isEmpty()) {
            throw new MojoFailureException("Failed job(s): " + String.join(", ", failed));
        }
    }

    /** Logs each job, or {@code none} when there is none; returns the failed ones. */
    static List<String> report(Log log, String prefix, List<BatchedJob> jobs, String none) {
        List<String> failed = new ArrayList<>();
        if (jobs.isEmpty()) {
            log.info(prefix + none);
        }
        for (BatchedJob job : jobs) {
            if (job.state() == JobState.FAILED) {
                log.error(prefix + job.describe());
                failed.add(prefix + job.version() + " " + job.name());
            } else {
                log.info(prefix + job.describe());
            }
        }
        return failed;
    }
}
