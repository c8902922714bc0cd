package dev.lockstep.core.internal.fleet;

import dev.lockstep.core.TenantState;
import dev.lockstep.core.TenantStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every tenant's state, safe from any thread: what the endpoint pages through, what the gauges
 * count, and what a request for a tenant waits on. Holds one small record per tenant, so 10,000
 * tenants cost a few megabytes.
 */
public final class TenantBoard {

    private final Map<String, TenantStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TenantStatus>> settled = new ConcurrentHashMap<>();
    /** The fleet's order, for reports and paging; replaced whole, read without locking. */
    private volatile List<String> order = List.of();

    /** Adds tenants not yet known as pending; known ones keep their state until their next run. */
    public synchronized void register(List<String> tenants) {
        List<String> all = new ArrayList<>(order);
        for (String tenant : tenants) {
            if (statuses.putIfAbsent(tenant, TenantStatus.pending(tenant)) == null) {
                settled.put(tenant, new CompletableFuture<>());
                all.add(tenant);
            }
        }
        order = List.copyOf(all);
    }

    public void migrating(String tenant) {
        TenantStatus was = statuses.get(tenant);
        statuses.put(tenant, new TenantStatus(tenant, TenantState.MIGRATING, 0, Duration.ZERO, Optional.empty()));
        if (was != null && was.state() != TenantState.PENDING && was.state() != TenantState.MIGRATING) {
            settled.put(tenant, new CompletableFuture<>()); // a new run: waiters wait for its outcome
        }
    }

    public void finished(TenantStatus status) {
        statuses.put(status.tenant(), status);
        settled.computeIfAbsent(status.tenant(), t -> new CompletableFuture<>()).complete(status);
    }

    public Optional<TenantStatus> status(String tenant) {
        return Optional.ofNullable(statuses.get(tenant));
    }

    public TenantState state(String tenant) {
        TenantStatus status = statuses.get(tenant);
        return status == null ? TenantState.UNKNOWN : status.state();
    }

    /**
     * Waits until the tenant's run ends or {@code timeout} passes, and says where it stands then:
     * {@code MIGRATED}, {@code FAILED}, still {@code PENDING}/{@code MIGRATING}, or {@code UNKNOWN}.
     */
    public TenantState await(String tenant, Duration timeout) throws InterruptedException {
        CompletableFuture<TenantStatus> outcome = settled.get(tenant);
        if (outcome == null) {
            return TenantState.UNKNOWN;
        }
        try {
            return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS).state();
        } catch (TimeoutException e) {
            return state(tenant);
        } catch (ExecutionException e) {
            return state(tenant);
        }
    }

    /** Statuses in the fleet's order, {@code size} from {@code offset}. */
    public List<TenantStatus> page(int offset, int size) {
        List<String> all = order;
        List<TenantStatus> page = new ArrayList<>();
        for (int i = Math.max(0, offset); i < all.size() && page.size() < size; i++) {
            page.add(statuses.get(all.get(i)));
        }
        return page;
    }

    public List<TenantStatus> all() {
        return page(0, Integer.MAX_VALUE);
    }

    public List<TenantStatus> of(List<String> tenants) {
        return tenants.stream().map(statuses::get).toList();
    }

    /** How many tenants are in each state (every state present, zero or more). */
    public Map<TenantState, Integer> counts() {
        Map<TenantState, Integer> counts = new EnumMap<>(TenantState.class);
        for (TenantState state : TenantState.values()) {
            if (state != TenantState.UNKNOWN) {
                counts.put(state, 0);
            }
        }
        statuses.values().forEach(status -> counts.merge(status.state(), 1, Integer::sum));
        return counts;
    }

    public List<TenantStatus> failed() {
        return all().stream().filter(s -> s.state() == TenantState.FAILED).toList();
    }
}
