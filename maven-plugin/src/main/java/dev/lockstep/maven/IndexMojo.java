package dev.lockstep.maven;

import dev.lockstep.core.LockstepIndex;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.VersionsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Writes {@code META-INF/lockstep/index} into the project's classes, after the resources are
 * copied: every migration's location, version, name, checksum, size and analysis, so a start reads
 * no file that the tracker records as applied. The files are read and checked as a start would,
 * so a bad file fails the build with the start's message. {@code filesystem:} locations are not
 * indexed: they are read at every start.
 */
@Mojo(name = "index", defaultPhase = LifecyclePhase.PROCESS_RESOURCES, threadSafe = true)
public class IndexMojo extends LockstepMojo {

    @Override
    void run() throws MojoExecutionException {
        Path classes = Path.of(project.getBuild().getOutputDirectory());
        List<String> indexed = new ArrayList<>();
        for (String location : locations()) {
            if (location.startsWith("filesystem:")) {
                getLog().info(location + " is read from disk at every start; it is not indexed");
            } else if (!Files.isDirectory(classes.resolve(folderOf(location)))) {
                getLog().info(location + " is not in " + classes + ": nothing to index there");
            } else {
                indexed.add(location);
            }
        }
        if (indexed.isEmpty()) {
            return;
        }
        String versions = setting(LockstepSettings.VERSIONS.name());
        VersionsMode mode = versions == null ? VersionsMode.UNIQUE : LockstepSettings.VERSIONS.parse(versions);
        LockstepIndex.Written written = LockstepIndex.write(classes, indexed, mode);
        getLog().info("Indexed " + written.files() + " migration file(s) of " + String.join(", ", indexed) + " in "
                + classes.relativize(written.file()).toString().replace('\\', '/'));
    }

    private static String folderOf(String location) {
        String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path;
    }
}
