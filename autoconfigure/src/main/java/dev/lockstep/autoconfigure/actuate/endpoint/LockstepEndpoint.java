package dev.lockstep.autoconfigure.actuate.endpoint;

import dev.lockstep.autoconfigure.LockstepTargets;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.TenantStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import dev.lockstep.core.MigrationInfo;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/lockstep}: every migration on disk or in the tracker with its state. Read only:
 * it takes no lock and changes nothing.
 */
@Endpoint(id = "lockstep")
public class LockstepEndpoint {

    private static final int PAGE = 100;

    private final Lockstep lockstep;
    private final LockstepTargets targets;

    public LockstepEndpoint(Lockstep lockstep) {
        this.lockstep = lockstep;
        this.targets = null;
    }

    /** With {@code lockstep.targets}: each target's migrations, or a fleet's tenant counts. */
    public LockstepEndpoint(LockstepTargets targets) {
        this.lockstep = null;
        this.targets = targets;
    }

    /** One engine's migrations; with targets, every target's (a fleet's as counts: page its tenants by name). */
    @ReadOperation
    public Object migrations() {
        if (targets == null) {
            return new MigrationsDescriptor(lockstep.info().stream().map(MigrationDescriptor::of).toList());
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (LockstepTargets.Target target : targets.all()) {
            all.put(target.name(), target.engine().<Object>map(LockstepEndpoint::migrationsOf)
                    .orElseGet(() -> tenantsOf(target.fleet().orElseThrow(), 0, 0)));
        }
        return new TargetsDescriptor(all);
    }

    /**
     * {@code /actuator/lockstep/<target>?offset=0&size=100}: an engine's migrations, or a fleet's
     * tenants, a page at a time (at most 1,000), each with its state and error.
     */
    @ReadOperation
    public Object target(@Selector String name, @Nullable Integer offset, @Nullable Integer size) {
        if (targets == null) {
            return null;
        }
        return targets.all().stream().filter(t -> t.name().equals(name)).findFirst()
                .<Object>map(t -> t.engine().<Object>map(LockstepEndpoint::migrationsOf).orElseGet(() ->
                        tenantsOf(t.fleet().orElseThrow(), offset == null ? 0 : offset,
                                Math.min(1000, size == null ? PAGE : size))))
                .orElse(null);
    }

    private static MigrationsDescriptor migrationsOf(Lockstep engine) {
        return new MigrationsDescriptor(engine.info().stream().map(MigrationDescriptor::of).toList());
    }

    private static FleetDescriptor tenantsOf(LockstepFleet fleet, int offset, int size) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        fleet.counts().forEach((state, count) -> counts.put(state.name().toLowerCase(Locale.ROOT), count));
        List<TenantDescriptor> page = fleet.tenants(offset, size).stream().map(TenantDescriptor::of).toList();
        return new FleetDescriptor(fleet.mode() + "-per-tenant", counts, offset, page);
    }

    public record TargetsDescriptor(Map<String, Object> targets) {
    }

    /** A fleet: its tenants counted by state, and one page of them. */
    public record FleetDescriptor(String mode, Map<String, Integer> counts, int offset, List<TenantDescriptor> tenants) {
    }

    public record TenantDescriptor(String tenant, String state, int applied, long tookMs, String error) {

        static TenantDescriptor of(TenantStatus status) {
            return new TenantDescriptor(status.tenant(), status.state().name().toLowerCase(Locale.ROOT),
                    status.applied(), status.took().toMillis(), status.error().orElse(null));
        }
    }

    /** The endpoint's response. */
    public record MigrationsDescriptor(List<MigrationDescriptor> migrations) {
    }

    /**
     * One migration: {@code state} is {@code applied}, {@code pending}, {@code out-of-order},
     * {@code drifted}, {@code missing-file} or {@code running}; {@code version} is {@code "42"},
     * a dotted {@code "1.1"}, or {@code "R"} for a repeatable migration.
     */
    public record MigrationDescriptor(String version, String name, String file, String state, String checksum,
            String appliedAt, Long executionMs, String appliedBy) {

        static MigrationDescriptor of(MigrationInfo info) {
            return new MigrationDescriptor(info.version().toString(), info.name(), info.file(), info.state().label(),
                    info.checksum(), info.appliedAt() == null ? null : info.appliedAt().toString(), info.executionMs(),
                    info.appliedBy());
        }
    }
}
