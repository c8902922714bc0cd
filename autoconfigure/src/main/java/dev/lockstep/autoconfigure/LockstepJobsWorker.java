package dev.lockstep.autoconfigure;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.LockstepListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * {@code lockstep.jobs.run=after-start} (the default): once the application is ready, a daemon
 * thread {@code lockstep-jobs} runs the jobs of batched migrations ({@link Lockstep#runJobs}) of
 * each target, a fleet's tenants {@code fleet.jobs-parallelism} at once, and looks again every
 * {@code lockstep.jobs.poll-interval}: for jobs that a later deploy recorded, and for jobs whose
 * worker (another replica) died, whose lock is then free. Each job runs on one replica at a time.
 * What it knows of each job (from its polls, and from every batch it runs) is kept for health
 * ({@code jobs}) and told to {@link JobObserver}s (the meters). A failure here is logged and tried
 * again at the next poll; it never touches the application's state.
 */
public final class LockstepJobsWorker implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    private static final Log LOG = LogFactory.getLog(LockstepJobsWorker.class);

    /** Whose jobs: a name ({@code main}, a target's) and its engine or fleet. */
    record Subject(String name, Optional<Lockstep> engine, Optional<LockstepFleet> fleet) {
    }

    /** Told of each job's batches and throttles, with the target's name (and tenant, for a fleet). */
    public interface JobObserver {
        void batchDone(String target, BatchedJob job, long rows, Duration took);

        void throttled(String target, BatchedJob job, String reason);
    }

    private final List<Subject> subjects;
    private final boolean enabled;
    private final Duration pollInterval;
    private final List<JobObserver> observers = new CopyOnWriteArrayList<>();
    /** By subject name; a fleet's tenants as {@code name/tenant}: the jobs as last seen. */
    private final Map<String, Map<String, BatchedJob>> known = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    /** Ends the pause between two polls at once when the application stops. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile boolean observerFailed;

    LockstepJobsWorker(List<Subject> subjects, LockstepProperties.Jobs properties) {
        this.subjects = List.copyOf(subjects);
        this.enabled = properties.getRun() == LockstepProperties.Jobs.Run.AFTER_START;
        this.pollInterval = properties.getPollInterval();
    }

    /** Whether {@code lockstep.jobs.run=after-start}. */
    public boolean enabled() {
        return enabled;
    }

    public void addObserver(JobObserver observer) {
        observers.add(observer);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!enabled || subjects.isEmpty() || thread != null) {
            return;
        }
        for (Subject subject : subjects) {
            subject.engine().ifPresent(engine -> engine.addListener(listener(subject.name(), subject.name())));
        }
        Thread worker = new Thread(this::work, "lockstep-jobs");
        worker.setDaemon(true);
        thread = worker;
        worker.start();
    }

    private void work() {
        while (!stopped) {
            for (Subject subject : subjects) {
                if (stopped) {
                    return;
                }
                poll(subject);
            }
            try {
                if (stopping.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll(Subject subject) {
        try {
            if (subject.engine().isPresent()) {
                Lockstep engine = subject.engine().get();
                seen(subject.name(), engine.jobs());
                if (engine.jobs().stream().anyMatch(job -> job.state().runnable())) {
                    engine.runJobs(() -> stopped);
                    seen(subject.name(), engine.jobs());
                }
            } else {
                LockstepFleet fleet = subject.fleet().orElseThrow();
                fleet.runJobs(() -> stopped, tenant -> listener(subject.name() + "/" + tenant, subject.name()))
                        .forEach((tenant, jobs) -> seen(subject.name() + "/" + tenant, jobs));
            }
            errors.remove(subject.name());
        } catch (RuntimeException e) {
            errors.put(subject.name(), String.valueOf(e.getMessage()));
            LOG.warn("Lockstep: the batched migrations' jobs of " + subject.name() + " could not run: " + e.getMessage()
                    + "; the worker tries again in " + pollInterval.toSeconds() + " s");
        }
    }

    private void seen(String name, List<BatchedJob> jobs) {
        Map<String, BatchedJob> byVersion = new LinkedHashMap<>();
        jobs.forEach(job -> byVersion.put(job.version(), job));
        known.put(name, byVersion);
    }

    /**
     * Keeps each batch's progress for health under {@code key} (a fleet's tenant: {@code target/tenant}),
     * and tells the observers with the target's name (meters are per target, not per tenant).
     */
    private LockstepListener listener(String key, String target) {
        return new LockstepListener() {
            @Override
            public void jobBatchDone(BatchedJob job, long rows, Duration took) {
                known.computeIfAbsent(key, n -> new ConcurrentHashMap<>()).put(job.version(), job);
                tell(o -> o.batchDone(target, job, rows, took));
            }

            @Override
            public void jobThrottled(BatchedJob job, String reason) {
                tell(o -> o.throttled(target, job, reason));
            }

            @Override
            public void jobEnded(BatchedJob job) {
                known.computeIfAbsent(key, n -> new ConcurrentHashMap<>()).put(job.version(), job);
            }
        };
    }

    /** Tells every observer; one that fails (a metrics backend down) is logged once and never stops a job. */
    private void tell(java.util.function.Consumer<JobObserver> event) {
        for (JobObserver observer : observers) {
            try {
                event.accept(observer);
            } catch (RuntimeException e) {
                if (!observerFailed) {
                    observerFailed = true;
                    LOG.warn("Lockstep: the jobs' meters could not be updated (" + e.getMessage() + "); the jobs go on");
                }
            }
        }
    }

    /** Stops after the batches in flight: each commits with its job's progress, and the next worker goes on. */
    @Override
    public void destroy() {
        stopped = true;
        stopping.countDown();
        Thread running = thread;
        if (running != null) {
            try {
                running.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every subject's name, for meters. */
    public List<String> names() {
        return subjects.stream().map(Subject::name).toList();
    }

    /** What health shows of a subject ({@code main}, a target's): its jobs, a fleet's by tenant; empty before the first poll. */
    public Optional<Map<String, Object>> details(String name) {
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, BatchedJob> own = known.get(name);
        if (own != null && !own.isEmpty()) {
            details.put("jobs", own.values().stream().map(LockstepJobsWorker::details).toList());
        }
        Map<String, Object> tenants = new java.util.TreeMap<>();
        Map<String, Long> states = new java.util.TreeMap<>();
        known.forEach((key, jobs) -> {
            if (key.startsWith(name + "/")) {
                jobs.values().forEach(j -> states.merge(j.state().label(), 1L, Long::sum));
                if (jobs.values().stream().anyMatch(j -> j.state() != JobState.FINISHED)) {
                    tenants.put(key.substring(name.length() + 1), jobs.values().stream()
                            .map(LockstepJobsWorker::details).toList());
                }
            }
        });
        if (!states.isEmpty()) {
            details.put("states", states);
        }
        if (!tenants.isEmpty()) {
            details.put("tenants", tenants);
        }
        Optional.ofNullable(errors.get(name)).ifPresent(e -> details.put("error", e));
        return details.isEmpty() ? Optional.empty() : Optional.of(details);
    }

    /** How many jobs of a subject are in a state, as last seen (a fleet's across the tenants it ran). */
    public double count(String name, JobState state) {
        List<BatchedJob> all = new ArrayList<>();
        known.forEach((key, jobs) -> {
            if (key.equals(name) || key.startsWith(name + "/")) {
                all.addAll(jobs.values());
            }
        });
        return all.stream().filter(j -> j.state() == state).count();
    }

    static Map<String, Object> details(BatchedJob job) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", job.version());
        details.put("name", job.name());
        details.put("table", job.table());
        details.put("state", job.state().label());
        details.put("rowsDone", job.rowsDone());
        details.put("estimatedRows", Math.max(job.estimatedRows(), job.rowsDone()));
        details.put("batches", job.batches());
        details.put("batchSize", job.batchSize());
        details.put("rowsPerSecond", Math.round(job.rowsPerSecond()));
        job.eta().filter(e -> job.state().runnable()).ifPresent(e -> details.put("eta", e.toString()));
        job.worker().ifPresent(w -> details.put("worker", w));
        job.updatedAt().ifPresent(u -> details.put("updatedAt", u.toString()));
        job.error().ifPresent(e -> details.put("error", e));
        return details;
    }
}
