package dev.lockstep.maven;

import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every goal shares: the migrations' locations, read from the project's classes (and its
 * dependencies, for the goals that resolve them), and the settings, named as the Spring Boot
 * properties and the command line's: a goal's parameter, else {@code -Dlockstep.name=value}, else
 * {@code <lockstep.name>} in the POM's properties.
 */
abstract class LockstepMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    /** Where the migrations are, as {@code lockstep.locations}: by default {@code classpath:db/migrations}. */
    @Parameter(property = "lockstep.locations")
    List<String> locations;

    /** Skips the goal. */
    @Parameter(property = "lockstep.skip", defaultValue = "false")
    boolean skip;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipped (lockstep.skip)");
            return;
        }
        try (MavenLog ignored = MavenLog.forward(getLog())) {
            run();
        } catch (LockstepConfigurationException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (LockstepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    abstract void run() throws MojoExecutionException, MojoFailureException;

    /** The locations as configured, else the default. */
    List<String> locations() {
        if (locations != null && !locations.isEmpty()) {
            return locations.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
        return LockstepSettings.LOCATIONS.defaultValue().orElseThrow();
    }

    /** A setting's text: {@code -Dlockstep.name}, else the POM's property; null when neither sets it. */
    String setting(String name) {
        String key = LockstepSetting.PREFIX + name;
        String value = session.getUserProperties().getProperty(key);
        return value != null ? value : project.getProperties().getProperty(key);
    }

    /** Gives the configuration every engine setting the build sets, naming the property of a bad one. */
    void applySettings(LockstepConfiguration configuration) throws MojoExecutionException {
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            String value = setting.name().equals(LockstepSettings.LOCATIONS.name()) ? null : setting(setting.name());
            if (value != null) {
                try {
                    setting.applyText(configuration, value);
                } catch (LockstepConfigurationException e) {
                    throw new MojoExecutionException(setting.key() + "='" + value + "' cannot be read: give "
                            + setting.expected());
                }
            }
        }
        configuration.locations(locations());
    }

    /** The project's classes, then its runtime dependencies: where {@code classpath:} locations are found. */
    ClassLoader projectClassLoader() throws MojoExecutionException {
        List<String> elements = new ArrayList<>();
        try {
            elements.addAll(project.getRuntimeClasspathElements());
        } catch (Exception e) {
            throw new MojoExecutionException("Cannot resolve the project's runtime class path: " + e.getMessage(), e);
        }
        return loaderOf(elements);
    }

    static ClassLoader loaderOf(List<String> elements) throws MojoExecutionException {
        List<URL> urls = new ArrayList<>();
        for (String element : elements) {
            try {
                urls.add(new File(element).toURI().toURL());
            } catch (MalformedURLException e) {
                throw new MojoExecutionException(element + " cannot be on a class path", e);
            }
        }
        // No parent: only the project's own resources are migrations, never the plugin's.
        return new URLClassLoader(urls.toArray(URL[]::new), null);
    }

    /** Multi-line text as one log line each, so Maven's prefix starts every line. */
    void info(String text) {
        Arrays.stream(text.split("\n", -1)).forEach(getLog()::info);
    }

    /** Whether the project's classes are there yet: {@code classpath:} locations are read from them. */
    boolean classesMissing() {
        return !new File(project.getBuild().getOutputDirectory()).isDirectory();
    }
}
