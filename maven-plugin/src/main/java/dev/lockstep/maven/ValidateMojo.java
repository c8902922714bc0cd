package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Checks the tracker against the files without the lock and without writing: fails the build when
 * migrations are pending or the tracker does not match the files (an edited, renamed or
 * interrupted migration).
 */
@Mojo(name = "validate", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class ValidateMojo extends DatabaseMojo {

    @Override
    String goal() {
        return "validate";
    }

    /** The engine's log says what was validated; a mismatch fails the build with its message. */
    @Override
    void run(Lockstep lockstep) {
        lockstep.validate();
    }
}
