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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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

    /**
     * Settings of this execution, named as the properties without {@code lockstep.}
     * ({@code <versions>shared</versions>}, {@code <tenants.mode>database</tenants.mode>}): an
     * execution per set of files (a target's) carries that set's settings, which come before
     * {@code -Dlockstep.*} and the POM's properties.
     */
    @Parameter
    Map<String, String> settings;

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
            refuseUnknownSettings();
            run();
        } catch (LockstepConfigurationException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (LockstepException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    abstract void run() throws MojoExecutionException, MojoFailureException;

    /** A name in {@code <settings>} that is no setting is a typo, refused with the name it likely meant. */
    private void refuseUnknownSettings() throws MojoExecutionException {
        if (settings == null) {
            return;
        }
        String placeholder = LockstepSettings.PLACEHOLDERS.name() + ".";
        for (String name : settings.keySet()) {
            boolean isPlaceholder = name.startsWith(placeholder) && name.length() > placeholder.length();
            // Bare names only: setting(name) looks them up without lockstep.
            boolean known = !name.startsWith(LockstepSetting.PREFIX) && LockstepSettings.byKey(name)
                    .filter(s -> s != LockstepSettings.PLACEHOLDERS).isPresent();
            if (!isPlaceholder && !known) {
                throw new MojoExecutionException("<settings> names no setting <" + name + ">" + LockstepSettings
                        .nearestName(name).map(n -> " (did you mean <" + n + ">?)").orElse("") + "; the settings are "
                        + "named as the properties without lockstep., e.g. <versions>shared</versions>");
            }
        }
    }

    /** The locations as configured, else the default. */
    List<String> locations() {
        if (locations != null && !locations.isEmpty()) {
            return locations.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
        return LockstepSettings.LOCATIONS.defaultValue().orElseThrow();
    }

    /**
     * A property's text: the execution's {@code <settings>}, else {@code -Dlockstep.name}, else the
     * POM's property; null when none sets it.
     */
    String setting(String name) {
        if (settings != null && settings.get(name) != null) {
            return settings.get(name).strip();
        }
        String key = LockstepSetting.PREFIX + name;
        String value = session.getUserProperties().getProperty(key);
        return value != null ? value : project.getProperties().getProperty(key);
    }

    /**
     * Gives the configuration every setting of the catalog the build sets (by its name or alias, and
     * {@code lockstep.placeholders.<name>}), naming the property of a bad one. The goal's own
     * parameters ({@code locations}, the database) are set after.
     *
     * @param groups the settings the goal reads: a goal without a database reads only the engine's
     */
    void applySettings(LockstepConfiguration configuration, Set<LockstepSetting.Group> groups)
            throws MojoExecutionException {
        Map<String, String> given = new LinkedHashMap<>();
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            if (setting == LockstepSettings.LOCATIONS || setting == LockstepSettings.PLACEHOLDERS
                    || !groups.contains(setting.group())) {
                continue;
            }
            for (String name : names(setting)) {
                String value = setting(name);
                if (value != null) {
                    given.put(setting.name(), value);
                }
            }
        }
        String placeholder = LockstepSetting.PREFIX + LockstepSettings.PLACEHOLDERS.name() + ".";
        for (Properties properties : List.of(project.getProperties(), session.getUserProperties())) {
            properties.stringPropertyNames().stream().filter(key -> key.startsWith(placeholder))
                    .forEach(key -> given.put(key.substring(LockstepSetting.PREFIX.length()), properties.getProperty(key)));
        }
        if (settings != null) {
            settings.forEach((name, value) -> {
                if (name.startsWith(placeholder.substring(LockstepSetting.PREFIX.length()))) {
                    given.put(name, value);
                }
            });
        }
        try {
            configuration.settings(given);
        } catch (LockstepConfigurationException e) {
            throw new MojoExecutionException(e.getMessage());
        }
        configuration.locations(locations());
    }

    private static List<String> names(LockstepSetting<?> setting) {
        List<String> names = new ArrayList<>(setting.aliases());
        names.add(setting.name());
        return names;
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
