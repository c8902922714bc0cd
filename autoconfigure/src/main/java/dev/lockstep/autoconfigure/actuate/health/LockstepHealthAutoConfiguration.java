package dev.lockstep.autoconfigure.actuate.health;

import dev.lockstep.autoconfigure.LockstepAutoConfiguration;

import dev.lockstep.autoconfigure.LockstepDriftCheck;
import dev.lockstep.autoconfigure.LockstepContractWorker;
import dev.lockstep.autoconfigure.LockstepJobsWorker;
import dev.lockstep.autoconfigure.LockstepTargets;
import dev.lockstep.core.Lockstep;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@code lockstep} health indicator, when Spring Boot's health support is present.
 *
 * <p>It always exists, so a health group that names {@code lockstep} (the README's readiness recipe)
 * never fails Boot's group validation: with Lockstep disabled, without a DataSource, or with
 * {@code management.health.lockstep.enabled=false} it is {@code UP} with phase {@code disabled} and
 * the reason. That is why this does not use {@code @ConditionalOnEnabledHealthIndicator}, which
 * would remove it and make such a group fail startup.
 */
@AutoConfiguration(after = LockstepAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public final class LockstepHealthAutoConfiguration {

    static final String ENABLED_PROPERTY = "management.health.lockstep.enabled";

    @Bean
    @ConditionalOnMissingBean(name = "lockstepHealthIndicator")
    LockstepHealthIndicator lockstepHealthIndicator(ObjectProvider<Lockstep> lockstep,
            ObjectProvider<LockstepTargets> targets, ObjectProvider<LockstepDriftCheck> drift,
            ObjectProvider<LockstepJobsWorker> jobs, ObjectProvider<LockstepContractWorker> expansions,
            Environment environment) {
        boolean reporting = environment.getProperty(ENABLED_PROPERTY, Boolean.class,
                environment.getProperty("management.health.defaults.enabled", Boolean.class, true));
        if (!reporting) {
            return LockstepHealthIndicator.disabled(ENABLED_PROPERTY + "=false");
        }
        LockstepTargets named = targets.getIfAvailable();
        if (named != null) {
            return withExpansions(withJobs(withDrift(new LockstepHealthIndicator(named), drift), jobs), expansions);
        }
        Lockstep engine = lockstep.getIfUnique();
        if (engine != null) {
            return withExpansions(withJobs(withDrift(new LockstepHealthIndicator(engine), drift), jobs), expansions);
        }
        return LockstepHealthIndicator.disabled(
                environment.getProperty("lockstep.enabled", Boolean.class, true) ? "no DataSource to migrate"
                        : "lockstep.enabled=false");
    }

    private static LockstepHealthIndicator withExpansions(LockstepHealthIndicator indicator,
            ObjectProvider<LockstepContractWorker> expansions) {
        LockstepContractWorker worker = expansions.getIfAvailable();
        return worker == null ? indicator : indicator.withExpansions(worker);
    }

    private static LockstepHealthIndicator withJobs(LockstepHealthIndicator indicator,
            ObjectProvider<LockstepJobsWorker> jobs) {
        LockstepJobsWorker worker = jobs.getIfAvailable();
        return worker == null ? indicator : indicator.withJobs(worker);
    }

    private static LockstepHealthIndicator withDrift(LockstepHealthIndicator indicator,
            ObjectProvider<LockstepDriftCheck> drift) {
        LockstepDriftCheck check = drift.getIfAvailable();
        return check == null ? indicator : indicator.withDrift(check);
    }
}
