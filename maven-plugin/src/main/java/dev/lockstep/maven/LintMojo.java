package dev.lockstep.maven;

import dev.lockstep.core.LintFinding;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.MigrationVersion;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fails the build on a risky statement (README, Lint), with the messages of
 * {@code LockstepLint.assertNoRiskyStatements()}: where, what, why, the safe way and how to accept
 * it ({@code -- lockstep:lint-ignore=}). Reads only the files; needs no database.
 */
@Mojo(name = "lint", defaultPhase = LifecyclePhase.PROCESS_RESOURCES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class LintMojo extends LockstepMojo {

    /** Only migrations above this version are checked: the history before it is what it is. */
    @Parameter(property = "lockstep.lint.after-version")
    String afterVersion;

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        if (classesMissing()) {
            throw new MojoExecutionException("No " + project.getBuild().getOutputDirectory() + " yet: run lint after "
                    + "the resources are copied, e.g. mvn process-resources lockstep:lint");
        }
        // No connection is opened: lint() reads only the files.
        LockstepConfiguration configuration = Lockstep.configure().dataSource(new PGSimpleDataSource())
                .classLoader(projectClassLoader());
        applySettings(configuration, Set.of(LockstepSetting.Group.ENGINE));
        MigrationVersion after = afterVersion == null ? null : version(afterVersion);
        List<LintFinding> findings = configuration.load()
                .lint(m -> after == null || m.version().compareTo(after) > 0);
        if (!findings.isEmpty()) {
            throw new MojoFailureException(LintFinding.report(findings, locations().toString()
                    + (after != null ? " after version " + after : "")));
        }
        getLog().info("No risky statement in " + String.join(", ", locations())
                + (after != null ? " after version " + after : ""));
    }

    private static MigrationVersion version(String text) throws MojoExecutionException {
        try {
            return MigrationVersion.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("lockstep.lint.after-version='" + text + "' is no migration version; "
                    + "give it as info shows it, e.g. 42 or 1.1");
        }
    }
}
