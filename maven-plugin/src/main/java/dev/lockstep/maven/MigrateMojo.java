package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Applies every pending migration, as a service does at startup: serialized with other runners by
 * the advisory lock, each recorded in the tracker.
 */
@Mojo(name = "migrate", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class MigrateMojo extends DatabaseMojo {

    @Override
    String goal() {
        return "migrate";
    }

    /** The engine's log says what was applied, each file and the total, as a start logs it. */
    @Override
    void run(Lockstep lockstep) {
        lockstep.migrate();
    }

    /** Every tenant, in parallel with canaries first, as a service's fleet does; the summary says how it went. */
    @Override
    void run(LockstepFleet fleet) {
        fleet.migrate();
    }
}
