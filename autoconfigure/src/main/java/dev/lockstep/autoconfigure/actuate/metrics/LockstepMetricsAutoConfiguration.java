package dev.lockstep.autoconfigure.actuate.metrics;

import dev.lockstep.autoconfigure.LockstepAutoConfiguration;

import dev.lockstep.autoconfigure.LockstepDriftCheck;
import dev.lockstep.autoconfigure.LockstepJobsWorker;
import dev.lockstep.autoconfigure.LockstepTargets;
import dev.lockstep.autoconfigure.LockstepTargetsListeners;
import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.Lockstep;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Lockstep's Micrometer meters, when there is a {@link MeterRegistry}. */
@AutoConfiguration(after = LockstepAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class LockstepMetricsAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(LockstepMetricsAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Lockstep.class)
    LockstepMetrics lockstepMetrics(MeterRegistry registry, Lockstep lockstep) {
        return new LockstepMetrics(registry, lockstep);
    }

    /** Each target's meters, tagged with its name: an engine's as above, a fleet's per state and across tenants. */
    @Bean
    @ConditionalOnBean(LockstepTargets.class)
    LockstepTargetsListeners lockstepTargetMetrics(MeterRegistry registry) {
        return targets -> {
            for (LockstepTargets.Target target : targets.all()) {
                target.engine().ifPresent(engine -> engine.addListener(new LockstepMetrics(registry, engine,
                        Tags.of(LockstepMeters.TARGET, target.name()))));
                target.fleet().ifPresent(fleet -> fleet.addListener(new LockstepFleetMetrics(registry, fleet)));
            }
        };
    }

    /**
     * The batched migrations' jobs, with {@code lockstep.jobs.run=after-start}: {@code lockstep.jobs.rows}
     * (rows done), {@code lockstep.jobs.batch} (each batch's duration), {@code lockstep.jobs.throttled}
     * (waits, by {@code reason}), tagged with the target and the job's version; {@code lockstep.jobs}
     * (jobs per {@code state}, per target, as last seen).
     */
    @Bean
    @ConditionalOnBean(LockstepJobsWorker.class)
    SmartInitializingSingleton lockstepJobMetrics(MeterRegistry registry, LockstepJobsWorker worker) {
        return () -> {
            if (!worker.enabled()) {
                return;
            }
            try {
                for (String name : worker.names()) {
                    for (JobState state : JobState.values()) {
                        Gauge.builder(LockstepMeters.JOBS, worker, w -> w.count(name, state))
                                .description("Batched migrations' jobs in this state, as the worker last saw them")
                                .tag(LockstepMeters.TARGET, name).tag(LockstepMeters.STATE, state.label())
                                .register(registry);
                    }
                }
            } catch (RuntimeException e) {
                // A metrics backend that fails never fails a start: the jobs run, health shows them.
                LOG.warn("Lockstep: could not register the jobs' gauges: " + e.getMessage());
                return;
            }
            worker.addObserver(new LockstepJobsWorker.JobObserver() {
                @Override
                public void batchDone(String target, BatchedJob job, long rows, Duration took) {
                    Tags tags = Tags.of(LockstepMeters.TARGET, target, LockstepMeters.JOB, job.version());
                    Counter.builder(LockstepMeters.JOB_ROWS).description("Rows the batched migrations' batches changed")
                            .tags(tags).register(registry).increment(rows);
                    Timer.builder(LockstepMeters.JOB_BATCH).description("Each batch of a batched migration, to its commit")
                            .tags(tags).register(registry).record(took);
                }

                @Override
                public void throttled(String target, BatchedJob job, String reason) {
                    Counter.builder(LockstepMeters.JOB_THROTTLED).description("Waits before a batch: lock_timeout, "
                            + "replication lag or active sessions").tags(Tags.of(LockstepMeters.TARGET, target,
                                    LockstepMeters.JOB, job.version(), LockstepMeters.REASON,
                                    reason.startsWith("replication lag") ? "replication-lag"
                                            : reason.contains("active sessions") ? "active-sessions" : reason))
                            .register(registry).increment();
                }
            });
        };
    }

    /** {@code lockstep.drift.differences} per target, with {@code lockstep.drift.check=after-start}. */
    @Bean
    @ConditionalOnBean(LockstepDriftCheck.class)
    SmartInitializingSingleton lockstepDriftMetrics(MeterRegistry registry, LockstepDriftCheck check) {
        return () -> {
            if (check.enabled()) {
                for (String name : check.names()) {
                    Gauge.builder(LockstepMeters.DRIFT_DIFFERENCES, check, c -> c.differences(name))
                            .description("Objects that differ from what the applied migrations make")
                            .tag(LockstepMeters.TARGET, name).register(registry);
                }
            }
        };
    }
}
