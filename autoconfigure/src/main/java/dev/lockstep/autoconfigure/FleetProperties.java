package dev.lockstep.autoconfigure;

import dev.lockstep.core.FleetFailurePolicy;
import java.util.ArrayList;
import java.util.List;

/** How tenant targets run, {@code lockstep.fleet.*}. */
public class FleetProperties {

    /**
     * How many tenants migrate at once. Defaults to 4, and never more than half the pool's maximum size.
     */
    private Integer parallelism;

    /**
     * How many tenants' batched jobs run at once, across the fleet; each holds one connection while it runs.
     */
    private Integer jobsParallelism = 2;

    public Integer getJobsParallelism() {
        return jobsParallelism;
    }

    public void setJobsParallelism(Integer jobsParallelism) {
        this.jobsParallelism = jobsParallelism;
    }

    /**
     * How many tenants (the first ones) run first, as canaries; the fleet stops if one fails.
     */
    private int canaries;

    /**
     * The canary tenants by name, instead of a count.
     */
    private List<String> canaryTenants = new ArrayList<>();

    /**
     * What a failed tenant does to the rest: stop-on-first-failure, or continue (failed tenants listed, health DOWN).
     */
    private FleetFailurePolicy onFailure = FleetFailurePolicy.STOP_ON_FIRST_FAILURE;

    /**
     * What startup waits for: every tenant (all), or the canaries, with the rest migrated in the background.
     */
    private Startup startup = Startup.ALL;

    public enum Startup {
        ALL, CANARIES
    }

    public Integer getParallelism() {
        return parallelism;
    }

    public void setParallelism(Integer parallelism) {
        this.parallelism = parallelism;
    }

    public int getCanaries() {
        return canaries;
    }

    public void setCanaries(int canaries) {
        this.canaries = canaries;
    }

    public List<String> getCanaryTenants() {
        return canaryTenants;
    }

    public void setCanaryTenants(List<String> canaryTenants) {
        this.canaryTenants = canaryTenants;
    }

    public FleetFailurePolicy getOnFailure() {
        return onFailure;
    }

    public void setOnFailure(FleetFailurePolicy onFailure) {
        this.onFailure = onFailure;
    }

    public Startup getStartup() {
        return startup;
    }

    public void setStartup(Startup startup) {
        this.startup = startup;
    }
}
