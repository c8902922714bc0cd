package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.util.EnumSet;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * A goal that talks to a database, on unpooled connections of its own, as the command line does:
 * every setting of the catalog is read ({@code -Dlockstep.*} or the POM's properties), and with
 * tenants ({@code lockstep.tenants.list}, {@code tenants.query}) the goal runs in each tenant.
 */
abstract class DatabaseMojo extends LockstepMojo {

    /** JDBC URL of the database, e.g. {@code jdbc:postgresql://localhost:5432/orders}. */
    @Parameter(property = "lockstep.url")
    String url;

    @Parameter(property = "lockstep.user")
    String user;

    @Parameter(property = "lockstep.password")
    String password;

    /** Tenants, comma-separated ({@code lockstep.tenants.list}; {@code lockstep.tenants} for short). */
    @Parameter(property = "lockstep.tenants")
    List<String> tenants;

    @Override
    final void run() throws MojoExecutionException, MojoFailureException {
        if (url == null || url.isBlank()) {
            throw new MojoExecutionException("No database: set <url> in the plugin's <configuration>, or "
                    + "-Dlockstep.url=jdbc:postgresql://host:5432/database (with lockstep.user and lockstep.password)");
        }
        if (classesMissing()) {
            throw new MojoExecutionException("No " + project.getBuild().getOutputDirectory() + " yet: the migrations "
                    + "are read from the project's classes; run after the resources are copied, e.g. "
                    + "mvn process-resources lockstep:" + goal());
        }
        LockstepConfiguration configuration = Lockstep.configure().runnerName("lockstep-maven-plugin")
                .classLoader(projectClassLoader());
        applySettings(configuration, EnumSet.allOf(LockstepSetting.Group.class));
        configuration.set(LockstepSettings.URL, url.strip()).set(LockstepSettings.USER, user)
                .set(LockstepSettings.PASSWORD, password);
        if (tenants != null && tenants.stream().anyMatch(t -> !t.isBlank())) {
            configuration.set(LockstepSettings.TENANTS_LIST, tenants.stream().map(String::strip)
                    .filter(t -> !t.isEmpty()).toList());
        }
        if (configuration.hasTenants()) {
            run(LockstepFleet.configure(configuration).name("maven").load());
        } else {
            run(configuration.load());
        }
    }

    /** The goal in every tenant, each under a line that names it; migrate runs the tenants as a fleet. */
    void run(LockstepFleet fleet) throws MojoFailureException {
        for (String tenant : fleet.tenantNames()) {
            getLog().info("Tenant " + tenant + ":");
            try {
                run(fleet.tenant(tenant));
            } catch (LockstepException e) {
                throw new MojoFailureException("Tenant " + tenant + ": " + e.getMessage(), e);
            }
        }
    }

    /** The goal's name, for advice. */
    abstract String goal();

    abstract void run(Lockstep lockstep) throws MojoFailureException;
}
