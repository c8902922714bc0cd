package dev.lockstep.cli;

import dev.lockstep.core.FleetConfiguration;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.LockstepSettings;
import java.util.function.Supplier;

/**
 * The engine, or the fleet, the settings describe, on unpooled connections of the command's own:
 * every setting goes to the configuration by its catalog name, so the command line has each one the
 * catalog has, read and checked as everywhere else.
 */
final class Engine {

    private Engine() {
    }

    /** The configuration of every setting given; the fleet's settings in it say whether tenants are named. */
    static LockstepConfiguration configuration(Settings settings) {
        if (settings.get(LockstepSettings.URL.name()) == null) {
            throw new UsageException("no database: give --url=jdbc:postgresql://host:5432/db, or set "
                    + Settings.variable(LockstepSettings.URL.name()) + ", or lockstep.url in lockstep.properties");
        }
        try {
            return Lockstep.configure().settings(settings.values()).runnerName("lockstep-cli")
                    .classLoader(Engine.class.getClassLoader());
        } catch (LockstepConfigurationException e) {
            throw usage(e);
        }
    }

    static Lockstep build(Settings settings, LockstepConfiguration configuration) {
        return withAdvice(settings, configuration::load);
    }

    /** The fleet the tenant settings describe: schema-per-tenant, or database-per-tenant with --tenant-url-template. */
    static LockstepFleet fleet(Settings settings, LockstepConfiguration configuration) {
        FleetConfiguration fleet = LockstepFleet.configure(configuration).name("cli");
        return withAdvice(settings, fleet::load);
    }

    /** Loads the engine or fleet; a missing location gets the command line's advice, not the starter's default. */
    private static <T> T withAdvice(Settings settings, Supplier<T> load) {
        try {
            return load.get();
        } catch (LockstepConfigurationException e) {
            if (e.setting().equals(LockstepSettings.LOCATIONS.key()) && settings.get("locations") == null) {
                // The default, classpath:db/migrations, is a place in an application's jar, not in this one.
                throw new UsageException("no --locations given; point it at the folder that holds the migrations: "
                        + "--locations=filesystem:DIR (or LOCKSTEP_LOCATIONS=filesystem:DIR)");
            }
            throw e;
        }
    }

    /** A value that cannot be read, said as the flag the user wrote: {@code --ddl.lock-timeout='soon' cannot be read}. */
    private static UsageException usage(LockstepConfigurationException e) {
        String name = e.setting().startsWith("lockstep.") ? e.setting().substring("lockstep.".length()) : e.setting();
        String problem = e.getMessage().substring(e.setting().length() + 2);
        return new UsageException("--" + name + (problem.startsWith("'") ? "=" : ": ") + problem);
    }
}
