package dev.lockstep.autoconfigure.actuate.endpoint;

import dev.lockstep.core.Lockstep;
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

    private final Lockstep lockstep;

    public LockstepEndpoint(Lockstep lockstep) {
        this.lockstep = lockstep;
    }

    @ReadOperation
    public MigrationsDescriptor migrations() {
        return new MigrationsDescriptor(lockstep.info().stream().map(MigrationDescriptor::of).toList());
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
