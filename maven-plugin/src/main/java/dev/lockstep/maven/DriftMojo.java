package dev.lockstep.maven;

import dev.lockstep.core.Drift;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Compares the live schema with what the applied migrations make ({@code lockstep.drift.compare-with}:
 * a replay on a scratch database, the snapshot stored beside the tracker, or {@code auto}); fails
 * the build listing each difference. With tenants, every tenant is compared before the build fails.
 */
@Mojo(name = "drift", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class DriftMojo extends DatabaseMojo {

    @Override
    String goal() {
        return "drift";
    }

    @Override
    void run(Lockstep lockstep) throws org.apache.maven.plugin.MojoFailureException {
        Drift drift = lockstep.drift();
        if (drift.found()) {
            throw new org.apache.maven.plugin.MojoFailureException(drift.describe());
        }
        getLog().info(drift.describe());
    }

    @Override
    void run(LockstepFleet fleet) throws org.apache.maven.plugin.MojoFailureException {
        List<String> problems = new ArrayList<>();
        for (String tenant : fleet.tenantNames()) {
            try {
                Drift drift = fleet.tenant(tenant).drift();
                if (drift.found()) {
                    getLog().error("Tenant " + tenant + ": " + drift.describe());
                    problems.add(tenant + ": drift");
                } else {
                    getLog().info("Tenant " + tenant + ": " + drift.describe());
                }
            } catch (LockstepException e) {
                getLog().error("Tenant " + tenant + ": " + e.getMessage());
                problems.add(tenant + ": could not be compared");
            }
        }
        if (!problems.isEmpty()) {
            throw new org.apache.maven.plugin.MojoFailureException(problems.size() + " of "
                    + fleet.tenantNames().size() + " tenant(s): " + String.join(", ", problems));
        }
    }
}
