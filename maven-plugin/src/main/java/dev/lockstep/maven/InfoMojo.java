package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.MigrationInfo;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/** Lists every migration in the files or the tracker with its state, as the command line's {@code info}. Writes nothing. */
@Mojo(name = "info", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class InfoMojo extends DatabaseMojo {

    private static final String ROW = "%-20s %-32s %-13s %-30s %s";

    @Override
    String goal() {
        return "info";
    }

    @Override
    void run(Lockstep lockstep) {
        getLog().info(String.format(ROW, "version", "name", "state", "applied at", "file"));
        for (MigrationInfo m : lockstep.info()) {
            getLog().info(String.format(ROW, m.version(), m.name(), m.state().label(),
                    m.appliedAt() == null ? "" : m.appliedAt(), m.file() == null ? "" : m.file()));
        }
    }
}
