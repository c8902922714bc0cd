package dev.lockstep.cli;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepListener;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import org.postgresql.ds.PGSimpleDataSource;

/** The engine the settings describe, on an unpooled connection of the command's own. */
final class Engine {

    private Engine() {
    }

    static Lockstep build(Settings settings, LockstepListener progress) {
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
                .classLoader(Engine.class.getClassLoader()).listener(progress);
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
        try {
            return configuration.load();
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
