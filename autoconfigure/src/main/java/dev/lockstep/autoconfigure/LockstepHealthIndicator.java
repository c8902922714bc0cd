package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.LockstepProgress.Snapshot;
import dev.lockstep.core.LockHolder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code OUT_OF_SERVICE} while waiting for the lock or migrating, {@code UP} when done, {@code DOWN}
 * when the run failed. Details: {@code phase}, {@code applied}, {@code pending}, {@code current},
 * {@code lockWait} and, while waiting, the {@code holder}; {@code error} after a failure. Reads a
 * snapshot only, so it never touches the database and never throws.
 */
public class LockstepHealthIndicator extends AbstractHealthIndicator {

    private final LockstepProgress progress;

    public LockstepHealthIndicator(LockstepProgress progress) {
        super("Lockstep health check failed");
        this.progress = progress;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Snapshot s = progress.snapshot();
        switch (s.phase()) {
            case COMPLETED -> builder.up();
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
        if (s.error() != null) {
            builder.withDetail("error", s.error());
        }
    }

    private static Map<String, Object> describe(LockHolder holder) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pid", holder.pid());
        details.put("applicationName", holder.applicationName());
        details.put("clientAddress", holder.clientAddress());
        details.put("since", holder.since() == null ? null : holder.since().toString());
        details.put("backendStart", holder.backendStart() == null ? null : holder.backendStart().toString());
        return details;
    }
}
