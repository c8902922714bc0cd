package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Shows each migration {@code migrate} would run, in order, whether it runs in a transaction, its
 * statements and the lint's findings. Writes nothing.
 */
@Mojo(name = "preview", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class PreviewMojo extends DatabaseMojo {

    @Override
    String goal() {
        return "preview";
    }

    @Override
    void run(Lockstep lockstep) {
        info(lockstep.preview().describe().stripTrailing());
    }
}
