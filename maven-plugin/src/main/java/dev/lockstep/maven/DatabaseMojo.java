package dev.lockstep.maven;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
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
        run(configuration.load());
    }

    /** The goal's name, for advice. */
    abstract String goal();

    abstract void run(Lockstep lockstep) throws MojoFailureException;
}
