package dev.lockstep.autoconfigure;

import dev.lockstep.core.Drift;
import dev.lockstep.core.DriftComparison;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * {@code lockstep.drift.check=after-start}: once the application is ready, a background thread
 * compares each target's schema with what its applied migrations make ({@link Lockstep#drift()}),
 * every tenant of a fleet, and keeps the outcome for health ({@code drift}) and the
 * {@code lockstep.drift.differences} gauge. Drift is logged as a warning; it takes the application
 * out of service only with {@code lockstep.drift.fail-readiness=true}. A check that fails (no
 * snapshot, no CREATEDB) is reported as failed and changes nothing else.
 */
public final class LockstepDriftCheck implements ApplicationListener<ApplicationReadyEvent> {

    private static final Log LOG = LogFactory.getLog(LockstepDriftCheck.class);
    /** How many objects health lists per target (the count is always whole). */
    private static final int OBJECTS_SHOWN = 20;

    /** Where drift is looked for: a name ({@code main}, a target's) and its engine or fleet. */
    record Subject(String name, Optional<Lockstep> engine, Optional<LockstepFleet> fleet) {
    }

    /**
     * One engine's check: {@code checking}, {@code none}, {@code found} or {@code failed}.
     *
     * @param differences how many objects differ; -1 until known
     */
    public record Outcome(String state, Optional<DriftComparison> comparedWith, int differences, List<String> objects,
            Optional<String> error, Instant at) {

        static Outcome checking() {
            return new Outcome("checking", Optional.empty(), -1, List.of(), Optional.empty(), Instant.now());
        }

        static Outcome of(Drift drift) {
            List<String> objects = drift.differences().stream().limit(OBJECTS_SHOWN)
                    .map(d -> d.sign() + " " + d.object()).toList();
            return new Outcome(drift.found() ? "found" : "none", Optional.of(drift.comparedWith()),
                    drift.differences().size(), objects, Optional.empty(), Instant.now());
        }

        static Outcome failed(RuntimeException e) {
            return new Outcome("failed", Optional.empty(), -1, List.of(), Optional.of(String.valueOf(e.getMessage())),
                    Instant.now());
        }

        /** As health shows it. */
        public Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", state);
            comparedWith.ifPresent(c -> details.put("comparedWith", c.name().toLowerCase(Locale.ROOT)));
            if (differences >= 0) {
                details.put("differences", differences);
            }
            if (!objects.isEmpty()) {
                details.put("objects", objects);
            }
            error.ifPresent(e -> details.put("error", e));
            details.put(state.equals("checking") ? "since" : "checkedAt", at.toString());
            return details;
        }
    }

    private final List<Subject> subjects;
    private final boolean enabled;
    private final boolean failReadiness;
    /** By subject name; a fleet's tenants as {@code name/tenant}. */
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();

    LockstepDriftCheck(List<Subject> subjects, LockstepProperties.Drift properties) {
        this.subjects = List.copyOf(subjects);
        this.enabled = properties.getCheck() == LockstepProperties.Drift.Check.AFTER_START;
        this.failReadiness = properties.isFailReadiness();
    }

    /** Whether {@code lockstep.drift.check=after-start}. */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!enabled || subjects.isEmpty()) {
            return;
        }
        Thread thread = new Thread(() -> checkAll(event), "lockstep-drift");
        thread.setDaemon(true);
        thread.start();
    }

    private void checkAll(ApplicationReadyEvent event) {
        boolean found = false;
        for (Subject subject : subjects) {
            if (subject.engine().isPresent()) {
                found |= check(subject.name(), subject.engine().get());
            } else {
                LockstepFleet fleet = subject.fleet().orElseThrow();
                for (String tenant : tenantNames(subject.name(), fleet)) {
                    found |= check(subject.name() + "/" + tenant, fleet.tenant(tenant));
                }
            }
        }
        if (found && failReadiness) {
            LOG.warn("Lockstep: drift found; readiness is now REFUSING_TRAFFIC (lockstep.drift.fail-readiness=true)");
            AvailabilityChangeEvent.publish(event.getApplicationContext(), ReadinessState.REFUSING_TRAFFIC);
        }
    }

    private List<String> tenantNames(String name, LockstepFleet fleet) {
        try {
            return fleet.tenantNames();
        } catch (RuntimeException e) {
            outcomes.put(name, Outcome.failed(e));
            LOG.warn("Lockstep: could not list the tenants of " + name + " to look for drift: " + e.getMessage());
            return List.of();
        }
    }

    /** @return whether drift was found */
    private boolean check(String name, Lockstep engine) {
        outcomes.put(name, Outcome.checking());
        try {
            Drift drift = engine.drift();
            outcomes.put(name, Outcome.of(drift));
            if (drift.found()) {
                LOG.warn("Lockstep: " + drift.describe());
            } else {
                LOG.info("Lockstep: " + drift.describe());
            }
            return drift.found();
        } catch (RuntimeException e) {
            outcomes.put(name, Outcome.failed(e));
            LOG.warn("Lockstep: could not look for drift in " + name + ": " + e.getMessage());
            return false;
        }
    }

    /** The outcome for a subject ({@code main}, a target's name), if its check began. */
    public Optional<Outcome> outcome(String name) {
        return Optional.ofNullable(outcomes.get(name));
    }

    /** A fleet's tenants' outcomes, by tenant. */
    public Map<String, Outcome> tenants(String fleet) {
        Map<String, Outcome> tenants = new LinkedHashMap<>();
        outcomes.forEach((name, outcome) -> {
            if (name.startsWith(fleet + "/")) {
                tenants.put(name.substring(fleet.length() + 1), outcome);
            }
        });
        return tenants;
    }

    /** Every subject's name, for meters. */
    public List<String> names() {
        return subjects.stream().map(Subject::name).toList();
    }

    /** How many objects differ in a subject (a fleet's: across its tenants); -1 until known or when it failed. */
    public double differences(String name) {
        Outcome own = outcomes.get(name);
        if (own != null) {
            return own.differences() < 0 ? Double.NaN : own.differences();
        }
        List<Outcome> tenants = new ArrayList<>(tenants(name).values());
        if (tenants.isEmpty() || tenants.stream().anyMatch(o -> o.differences() < 0)) {
            return Double.NaN;
        }
        return tenants.stream().mapToInt(Outcome::differences).sum();
    }
}
