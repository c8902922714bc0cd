package dev.lockstep.autoconfigure;

import dev.lockstep.core.ExpandedMigration;
import dev.lockstep.core.Lockstep;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Expand/contract migrations after the start: a daemon thread {@code lockstep-contract} looks, every
 * {@code lockstep.expand.poll-interval}, at each target's expanded migrations and at the sessions of
 * older releases connected ({@link Lockstep#expansions}), keeps what it saw for health
 * ({@code expansions}), and with {@code lockstep.expand.contract=after-start} contracts
 * ({@link Lockstep#contract}) once no such session has been seen for {@code lockstep.expand.contract-after}
 * and the oldest expansion is that old. Every replica of the new release looks; the migration lock
 * lets one contract. A failure here is logged and tried again at the next look; it never touches the
 * application's state.
 */
public final class LockstepContractWorker implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    private static final Log LOG = LogFactory.getLog(LockstepContractWorker.class);

    /** Whose expansions: a name ({@code main}, a target's) and its engine. */
    record Subject(String name, Lockstep engine) {
    }

    private final List<Subject> subjects;
    private final boolean contracts;
    private final Duration contractAfter;
    private final Duration pollInterval;
    private final Map<String, List<ExpandedMigration>> known = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    /** By subject: since when no session of an older release has been seen. */
    private final Map<String, Instant> noOlderSince = new ConcurrentHashMap<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread thread;

    LockstepContractWorker(List<Subject> subjects, LockstepProperties.Expand properties) {
        this.subjects = List.copyOf(subjects);
        this.contracts = properties.getContract() == LockstepProperties.Expand.Contract.AFTER_START;
        this.contractAfter = properties.getContractAfter();
        this.pollInterval = properties.getPollInterval();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (subjects.isEmpty() || thread != null) {
            return;
        }
        Thread worker = new Thread(this::work, "lockstep-contract");
        worker.setDaemon(true);
        thread = worker;
        worker.start();
    }

    private void work() {
        do {
            subjects.forEach(this::look);
            try {
                if (stopping.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        } while (true);
    }

    private void look(Subject subject) {
        try {
            List<ExpandedMigration> expansions = subject.engine().expansions();
            known.put(subject.name(), expansions);
            errors.remove(subject.name());
            Optional<ExpandedMigration> oldest = expansions.stream().filter(e -> !e.contracted()).findFirst();
            if (oldest.isEmpty()) {
                noOlderSince.remove(subject.name());
                return;
            }
            if (oldest.get().olderSessionCount() > 0) {
                noOlderSince.remove(subject.name());
                return;
            }
            Instant since = noOlderSince.computeIfAbsent(subject.name(), n -> Instant.now());
            Instant due = max(since, oldest.get().expandedAt()).plus(contractAfter);
            if (contracts && !Instant.now().isBefore(due)) {
                LOG.info("Lockstep: no session of a release older than " + oldest.get().version() + " has been seen for "
                        + contractAfter.toSeconds() + " s; contracting (lockstep.expand.contract=after-start)");
                known.put(subject.name(), subject.engine().contract(false));
            }
        } catch (RuntimeException e) {
            errors.put(subject.name(), String.valueOf(e.getMessage()));
            LOG.warn("Lockstep: the expand/contract migrations of " + subject.name() + " could not be looked at or "
                    + "contracted: " + e.getMessage() + "; tried again in " + pollInterval.toSeconds() + " s");
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Override
    public void destroy() {
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

    /**
     * What health shows of a subject: each expand/contract migration not contracted, with its state
     * ({@code expanded, waiting for 2 sessions of version 8}) and changes, and when the background
     * contract is due; empty when there is none (or before the first look).
     */
    public Optional<Map<String, Object>> details(String name) {
        List<ExpandedMigration> expansions = known.getOrDefault(name, List.of()).stream()
                .filter(e -> !e.contracted()).toList();
        String error = errors.get(name);
        if (expansions.isEmpty() && error == null) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("expanded", expansions.stream().map(e -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("version", e.version());
            one.put("state", e.state());
            one.put("changes", e.changes());
            one.put("expandedAt", e.expandedAt().toString());
            return one;
        }).toList());
        details.put("contract", contracts ? "after-start" : "manual");
        Instant since = noOlderSince.get(name);
        if (contracts && since != null && !expansions.isEmpty()) {
            details.put("contractDueAt", max(since, expansions.get(0).expandedAt()).plus(contractAfter).toString());
        }
        if (error != null) {
            details.put("error", error);
        }
        return Optional.of(details);
    }
}
