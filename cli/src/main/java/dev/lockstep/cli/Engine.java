package dev.lockstep.cli;

import dev.lockstep.core.FleetConfiguration;
import dev.lockstep.core.FleetFailurePolicy;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import java.util.Arrays;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;

/** The engine the settings describe, on an unpooled connection of the command's own. */
final class Engine {

    private Engine() {
    }

    static Lockstep build(Settings settings, LockstepListener progress) {
        return withAdvice(settings, configuration(settings).listener(progress)::load);
    }

    /** Whether the settings name tenants: migrate, info and validate then run per tenant. */
    static boolean hasTenants(Settings settings) {
        return settings.get("tenants") != null || settings.get("tenants-query") != null;
    }

    /** The fleet the tenant settings describe: schema-per-tenant, or database-per-tenant with --tenant-url-template. */
    static LockstepFleet fleet(Settings settings) {
        FleetConfiguration fleet = LockstepFleet.configure(configuration(settings)).name("cli");
        if (settings.get("tenants") != null) {
            fleet.tenants(Arrays.stream(settings.get("tenants").split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).toList());
        } else {
            fleet.tenantsQuery(settings.get("tenants-query"));
        }
        if (settings.get("tenant-url-template") != null) {
            fleet.databasePerTenant(settings.get("tenant-url-template"), settings.get("user"), settings.get("password"));
        }
        fleet.parallelism(number(settings, "parallelism", FleetConfiguration.DEFAULT_PARALLELISM));
        fleet.canaries(number(settings, "canaries", 0));
        if (settings.get("on-failure") != null) {
            String policy = settings.get("on-failure");
            fleet.onFailure(switch (policy) {
                case "continue" -> FleetFailurePolicy.CONTINUE;
                case "stop-on-first-failure" -> FleetFailurePolicy.STOP_ON_FIRST_FAILURE;
                default -> throw new UsageException("--on-failure='" + policy + "': give continue or "
                        + "stop-on-first-failure");
            });
        }
        return withAdvice(settings, fleet::load);
    }

    private static int number(Settings settings, String name, int fallback) {
        String value = settings.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + "='" + value + "' is no whole number");
        }
    }

    private static LockstepConfiguration configuration(Settings settings) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        String url = settings.required("url");
        try {
            dataSource.setURL(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url='" + url + "' is no PostgreSQL JDBC URL (" + e.getMessage()
                    + "); write jdbc:postgresql://host:5432/database");
        }
        if (settings.get("user") != null) {
            dataSource.setUser(settings.get("user"));
        }
        if (settings.get("password") != null) {
            dataSource.setPassword(settings.get("password"));
        }
        LockstepConfiguration configuration = Lockstep.configure().dataSource(dataSource).runnerName("lockstep-cli")
                .classLoader(Engine.class.getClassLoader());
        for (LockstepSetting<?> setting : LockstepSettings.all()) {
            String value = settings.get(setting.name());
            if (value == null) {
                continue;
            }
            try {
                setting.applyText(configuration, value);
            } catch (LockstepConfigurationException e) {
                throw new UsageException("--" + setting.name() + "='" + value + "' cannot be read: give "
                        + setting.expected());
            }
        }
        return configuration;
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
}
