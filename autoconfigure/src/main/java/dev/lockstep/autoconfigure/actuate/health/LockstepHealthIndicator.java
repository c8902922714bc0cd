package dev.lockstep.autoconfigure.actuate.health;

import dev.lockstep.autoconfigure.LockstepAutoConfiguration;
import dev.lockstep.autoconfigure.LockstepDriftCheck;
import dev.lockstep.autoconfigure.LockstepContractWorker;
import dev.lockstep.autoconfigure.LockstepJobsWorker;
import dev.lockstep.core.BlockedOn;
import dev.lockstep.core.LockHolder;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.RunProgress.Snapshot;
import dev.lockstep.autoconfigure.LockstepTargets;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.TenantState;
import dev.lockstep.core.TenantStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code OUT_OF_SERVICE} while waiting for the lock or migrating, {@code UP} when done, {@code DOWN}
 * when the run failed. Details: {@code phase}, {@code applied}, {@code pending}, {@code current},
 * {@code lockWait} and, while waiting, the {@code holder}; while the current migration retries for
 * its table locks, {@code blockedOn}; {@code error} after a failure. Reads the
 * engine's own progress ({@link Lockstep#progress()}), so it tells the truth whoever built the
 * engine, never touches the database and never throws.
 *
 * <p>Without an engine (Lockstep disabled, or no DataSource) it is {@code UP} with phase
 * {@code disabled}, so a readiness group that includes {@code lockstep} still works.
 */
public class LockstepHealthIndicator extends AbstractHealthIndicator {

    private static final int FAILED_TENANTS_SHOWN = 20;

    private final Lockstep lockstep;
    private final LockstepTargets targets;
    private final String disabledReason;
    private volatile LockstepDriftCheck drift;
    private volatile LockstepJobsWorker jobs;
    private volatile LockstepContractWorker expansions;

    /**
     * Adds {@code expansions} to the details while an expand/contract migration is not contracted:
     * each one's state ({@code expanded, waiting for 2 sessions of version 8}), changes and, with the
     * background contract, when it is due. Expansions never change the status.
     */
    public LockstepHealthIndicator withExpansions(LockstepContractWorker worker) {
        this.expansions = worker;
        return this;
    }

    /**
     * Adds {@code jobs} to the details once the jobs' worker ({@code lockstep.jobs.run=after-start})
     * has seen a job: each job's {@code version}, {@code name}, {@code table}, {@code state},
     * {@code rowsDone}, {@code estimatedRows}, {@code batches}, {@code batchSize},
     * {@code rowsPerSecond}, {@code eta}, the {@code worker} session, {@code updatedAt} and a failed
     * job's {@code error}; a fleet's per tenant whose jobs are not all finished. Jobs never change the status.
     */
    public LockstepHealthIndicator withJobs(LockstepJobsWorker worker) {
        this.jobs = worker;
        return this;
    }

    /**
     * Adds {@code drift} to the details once {@code lockstep.drift.check=after-start} has begun: the
     * check's {@code state} ({@code checking}, {@code none}, {@code found}, {@code failed}),
     * {@code comparedWith}, the number of {@code differences}, the first {@code objects} and
     * {@code checkedAt}, or the {@code error}; a fleet's per tenant that drifted or failed, with counts.
     * Drift never changes the status.
     */
    public LockstepHealthIndicator withDrift(LockstepDriftCheck check) {
        this.drift = check;
        return this;
    }

    /** Reports the runs of this engine. */
    public LockstepHealthIndicator(Lockstep lockstep) {
        this(lockstep, null, null);
    }

    /**
     * With {@code lockstep.targets}: {@code targets} holds each target's details, an engine's as
     * above, a fleet's as tenant counts ({@code tenants}) and the first failed tenants with their
     * errors ({@code failed}); a target the run did not reach, {@code DOWN} with phase {@code not run} and
     * the {@code reason} (an earlier target failed). The status is the worst of the targets': a failed
     * tenant makes it DOWN.
     */
    public LockstepHealthIndicator(LockstepTargets targets) {
        this(null, targets, null);
    }

    private LockstepHealthIndicator(Lockstep lockstep, LockstepTargets targets, String disabledReason) {
        super("Lockstep health check failed");
        this.lockstep = lockstep;
        this.targets = targets;
        this.disabledReason = disabledReason;
    }

    /** Reports that no engine runs here, and why. */
    public static LockstepHealthIndicator disabled(String reason) {
        return new LockstepHealthIndicator(null, null, reason);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (targets != null) {
            targetsHealth(builder);
            return;
        }
        if (lockstep == null) {
            builder.up().withDetail("phase", "disabled").withDetail("reason", disabledReason);
            return;
        }
        engineHealth(lockstep, builder);
        driftOf(LockstepAutoConfiguration.MAIN).ifPresent(details -> builder.withDetail("drift", details));
        jobsOf(LockstepAutoConfiguration.MAIN).ifPresent(details -> builder.withDetail("jobs", details));
        expansionsOf(LockstepAutoConfiguration.MAIN).ifPresent(details -> builder.withDetail("expansions", details));
    }

    private Optional<Map<String, Object>> expansionsOf(String name) {
        LockstepContractWorker worker = expansions;
        return worker == null ? Optional.empty() : worker.details(name);
    }

    private Optional<Map<String, Object>> jobsOf(String name) {
        LockstepJobsWorker worker = jobs;
        return worker == null || !worker.enabled() ? Optional.empty() : worker.details(name);
    }

    private Optional<Map<String, Object>> driftOf(String name) {
        LockstepDriftCheck check = drift;
        if (check == null || !check.enabled()) {
            return Optional.empty();
        }
        Optional<Map<String, Object>> own = check.outcome(name).map(LockstepDriftCheck.Outcome::details);
        if (own.isPresent()) {
            return own;
        }
        Map<String, LockstepDriftCheck.Outcome> tenants = check.tenants(name);
        if (tenants.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, Long> states = new TreeMap<>();
        tenants.values().forEach(o -> states.merge(o.state(), 1L, Long::sum));
        details.put("tenants", states);
        Map<String, Object> shown = new LinkedHashMap<>();
        tenants.entrySet().stream().filter(e -> e.getValue().state().equals("found") || e.getValue().state()
                .equals("failed")).limit(FAILED_TENANTS_SHOWN).forEach(e -> shown.put(e.getKey(), e.getValue().details()));
        if (!shown.isEmpty()) {
            details.put("drifted", shown);
        }
        return Optional.of(details);
    }

    private void targetsHealth(Health.Builder builder) {
        Map<String, Object> details = new LinkedHashMap<>();
        Status worst = Status.UP;
        for (LockstepTargets.Target target : targets.all()) {
            Health.Builder one = Health.unknown();
            Optional<String> notRun = targets.notRun(target.name());
            if (notRun.isPresent()) {
                // Never to run in this start: an earlier target failed, or the targets were refused.
                one.down().withDetail("phase", "not run").withDetail("reason", notRun.get());
            } else if (target.engine().isPresent()) {
                engineHealth(target.engine().get(), one);
            } else {
                fleetHealth(target.fleet().orElseThrow(), one);
            }
            Health health = one.build();
            worst = worse(worst, health.getStatus());
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("status", health.getStatus().getCode());
            described.putAll(health.getDetails());
            driftOf(target.name()).ifPresent(d -> described.put("drift", d));
            jobsOf(target.name()).ifPresent(d -> described.put("jobs", d));
            expansionsOf(target.name()).ifPresent(d -> described.put("expansions", d));
            details.put(target.name(), described);
        }
        builder.status(worst).withDetail("targets", details);
    }

    private static Status worse(Status a, Status b) {
        List<Status> order = List.of(Status.DOWN, Status.OUT_OF_SERVICE, Status.UNKNOWN, Status.UP);
        return order.indexOf(a) <= order.indexOf(b) ? a : b;
    }

    private static void fleetHealth(LockstepFleet fleet, Health.Builder builder) {
        Map<TenantState, Integer> counts = fleet.counts();
        List<TenantStatus> failed = fleet.failed();
        if (!failed.isEmpty()) {
            builder.down();
        } else if (!fleet.started() || counts.get(TenantState.PENDING) + counts.get(TenantState.MIGRATING) > 0) {
            builder.outOfService();
        } else {
            builder.up();
        }
        Map<String, Integer> tenants = new LinkedHashMap<>();
        counts.forEach((state, count) -> tenants.put(state.name().toLowerCase(Locale.ROOT), count));
        builder.withDetail("mode", fleet.mode() + "-per-tenant").withDetail("tenants", tenants);
        if (!failed.isEmpty()) {
            Map<String, String> errors = new LinkedHashMap<>();
            failed.stream().limit(FAILED_TENANTS_SHOWN).forEach(f -> errors.put(f.tenant(), f.error().orElse("")));
            builder.withDetail("failed", errors);
        }
    }

    private static void engineHealth(Lockstep lockstep, Health.Builder builder) {
        Snapshot s = lockstep.progress();
        switch (s.phase()) {
            case COMPLETED, PREVIEWED -> builder.up();
            case FAILED -> builder.down();
            default -> builder.outOfService();
        }
        builder.withDetail("phase", s.phase().label())
                .withDetail("applied", s.applied())
                .withDetail("pending", s.pending())
                .withDetail("lockWait", s.lockWait().toString());
        if (s.current() != null) {
            builder.withDetail("current", s.current());
        }
        if (s.holder() != null) {
            builder.withDetail("holder", describe(s.holder()));
        }
        if (s.blockedOn() != null) {
            builder.withDetail("blockedOn", describe(s.blockedOn(), s.lockRetries()));
        }
        if (s.error() != null) {
            builder.withDetail("error", s.error());
        }
    }

    /** What the current migration's cancelled attempts waited for: lock-queue protection at work. */
    private static Map<String, Object> describe(BlockedOn blockedOn, int retries) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("relation", blockedOn.relation());
        details.put("mode", blockedOn.mode());
        details.put("retries", retries);
        details.put("blockers", blockedOn.blockers().stream().map(b -> {
            Map<String, Object> blocker = new LinkedHashMap<>();
            blocker.put("pid", b.pid());
            blocker.put("applicationName", b.applicationName());
            blocker.put("state", b.state());
            blocker.put("queryStart", b.queryStart() == null ? null : b.queryStart().toString());
            blocker.put("query", b.query());
            return blocker;
        }).toList());
        return details;
    }

    private static Map<String, Object> describe(LockHolder holder) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pid", holder.pid());
        details.put("applicationName", holder.applicationName());
        details.put("clientAddress", holder.clientAddress());
        // PostgreSQL does not say when a lock was granted: this is when this replica first saw it held.
        details.put("observedSince", holder.since() == null ? null : holder.since().toString());
        details.put("backendStart", holder.backendStart() == null ? null : holder.backendStart().toString());
        return details;
    }
}
