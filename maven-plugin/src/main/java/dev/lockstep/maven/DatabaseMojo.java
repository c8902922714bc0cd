package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.FleetConfiguration;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.postgresql.ds.PGSimpleDataSource;

/** A goal that talks to a database, on an unpooled connection of its own, as the command line does. */
abstract class DatabaseMojo extends LockstepMojo {

    /** JDBC URL of the database, e.g. {@code jdbc:postgresql://localhost:5432/orders}. */
    @Parameter(property = "lockstep.url")
    String url;

    @Parameter(property = "lockstep.user")
    String user;

    @Parameter(property = "lockstep.password")
    String password;

    /** Tenants, comma-separated: the goal runs in each, a schema of {@code url} unless {@code tenantUrlTemplate}. */
    @Parameter(property = "lockstep.tenants")
    List<String> tenants;

    /** A query on {@code url} whose first column lists the tenants, instead of {@code tenants}. */
    @Parameter(property = "lockstep.tenants-query")
    String tenantsQuery;

    /** Database-per-tenant: a tenant's JDBC URL, <code>${tenant}</code> for its name. */
    @Parameter(property = "lockstep.tenant-url-template")
    String tenantUrlTemplate;

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
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        try {
            dataSource.setURL(url.strip());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("lockstep.url='" + url + "' is no PostgreSQL JDBC URL (" + e.getMessage()
                    + "); write jdbc:postgresql://host:5432/database");
        }
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        LockstepConfiguration configuration = Lockstep.configure().dataSource(dataSource)
                .runnerName("lockstep-maven-plugin").classLoader(projectClassLoader());
        applySettings(configuration);
        boolean listed = tenants != null && tenants.stream().anyMatch(t -> !t.isBlank());
        if (!listed && tenantsQuery == null) {
            if (tenantUrlTemplate != null) {
                throw new MojoExecutionException("lockstep.tenant-url-template says how to reach a tenant but not "
                        + "which tenants there are; set lockstep.tenants or lockstep.tenants-query");
            }
            run(configuration.load());
            return;
        }
        FleetConfiguration fleet = LockstepFleet.configure(configuration).name("maven");
        if (listed) {
            fleet.tenants(tenants.stream().map(String::strip).filter(t -> !t.isEmpty()).toList());
        } else {
            fleet.tenantsQuery(tenantsQuery);
        }
        if (tenantUrlTemplate != null) {
            fleet.databasePerTenant(tenantUrlTemplate, user, password);
        }
        run(fleet.load());
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
