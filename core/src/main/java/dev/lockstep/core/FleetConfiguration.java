package dev.lockstep.core;

import dev.lockstep.core.LockstepSettings.TenantsMode;
import dev.lockstep.core.internal.fleet.TenantDatabases;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.run.RunSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fluent settings for a {@link LockstepFleet}: the migrations (a {@link LockstepConfiguration}, whose
 * DataSource is the fleet's own database), where the tenants are, and how they run. A thin front over
 * the same catalog: each method sets one fleet entry ({@code tenants.*}, {@code fleet.*}) of the
 * migrations' configuration, so a configuration read from text ({@code tenants.list=a,b}) and one
 * written in Java build the same fleet. Only what is no text (a tenant source, a DataSource factory,
 * listeners) is kept here.
 *
 * <pre>{@code
 * LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure()
 *                 .dataSource(dataSource)
 *                 .locations("classpath:db/tenant-migrations"))
 *         .tenantsQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1")
 *         .canaries(1)
 *         .load();
 * }</pre>
 */
public final class FleetConfiguration {

    /** Four tenants at once: most of the gain of parallel runs, with headroom left on the server and in the pool. */
    public static final int DEFAULT_PARALLELISM = 4;

    private final LockstepConfiguration migrations;
    private TenantSource source;
    private TenantDataSources databases;
    private String name = "fleet";
    private final List<FleetListener> listeners = new ArrayList<>();
    private EngineParts parts = EngineParts.STANDARD;

    FleetConfiguration(LockstepConfiguration migrations) {
        this.migrations = migrations;
    }

    /** The fleet's name in logs and threads (Boot: the target's name). */
    public FleetConfiguration name(String name) {
        this.name = name;
        return this;
    }

    /** These tenants, in this order ({@code tenants.list}). */
    public FleetConfiguration tenants(List<String> tenants) {
        migrations.set(LockstepSettings.TENANTS_LIST, List.copyOf(tenants));
        migrations.set(LockstepSettings.TENANTS_QUERY, null);
        this.source = null;
        return this;
    }

    /** The tenants a query on the fleet's DataSource returns (first column), in its order; run at each fleet run. */
    public FleetConfiguration tenantsQuery(String sql) {
        migrations.set(LockstepSettings.TENANTS_QUERY, sql);
        migrations.set(LockstepSettings.TENANTS_LIST, null);
        this.source = null;
        return this;
    }

    /** The tenants {@code source} returns, asked at each fleet run. */
    public FleetConfiguration tenants(TenantSource source) {
        this.source = source;
        migrations.set(LockstepSettings.TENANTS_LIST, null);
        migrations.set(LockstepSettings.TENANTS_QUERY, null);
        return this;
    }

    /**
     * Database-per-tenant: each tenant's database at this URL, {@code ${tenant}} replaced by its
     * name, e.g. {@code jdbc:postgresql://db:5432/${tenant}} ({@code tenants.url-template}, with
     * {@code user} and {@code password}). Connections are opened for a tenant's run and closed after
     * it. Without this (or {@link #databasePerTenant(TenantDataSources)}), tenants are schemas of the
     * fleet's database.
     */
    public FleetConfiguration databasePerTenant(String urlTemplate, String user, String password) {
        migrations.set(LockstepSettings.TENANTS_MODE, TenantsMode.DATABASE);
        migrations.set(LockstepSettings.TENANTS_URL_TEMPLATE, urlTemplate);
        migrations.set(LockstepSettings.USER, user);
        migrations.set(LockstepSettings.PASSWORD, password);
        this.databases = null;
        return this;
    }

    /** Database-per-tenant, each tenant's DataSource from {@code dataSources}. */
    public FleetConfiguration databasePerTenant(TenantDataSources dataSources) {
        migrations.set(LockstepSettings.TENANTS_MODE, TenantsMode.DATABASE);
        migrations.set(LockstepSettings.TENANTS_URL_TEMPLATE, null);
        this.databases = dataSources;
        return this;
    }

    /**
     * Database-per-tenant: {@link LockstepFleet#createTenant} clones this database (migrated first)
     * with {@code CREATE DATABASE ... TEMPLATE}, instead of creating an empty one and migrating it.
     */
    public FleetConfiguration templateDatabase(String templateDatabase) {
        migrations.set(LockstepSettings.TENANTS_TEMPLATE_DATABASE, templateDatabase);
        return this;
    }

    /** How many tenants migrate at once (default 4); each holds one connection while it runs, two while it waits for a table lock. */
    public FleetConfiguration parallelism(int parallelism) {
        migrations.set(LockstepSettings.FLEET_PARALLELISM, parallelism);
        return this;
    }

    /** The first {@code count} tenants run first, as canaries; the fleet stops if one fails. */
    public FleetConfiguration canaries(int count) {
        migrations.set(LockstepSettings.FLEET_CANARIES, count);
        migrations.set(LockstepSettings.FLEET_CANARY_TENANTS, null);
        return this;
    }

    /** These tenants run first, as canaries; the fleet stops if one fails. */
    public FleetConfiguration canaries(List<String> names) {
        migrations.set(LockstepSettings.FLEET_CANARY_TENANTS, List.copyOf(names));
        migrations.set(LockstepSettings.FLEET_CANARIES, null);
        return this;
    }

    public FleetConfiguration onFailure(FleetFailurePolicy onFailure) {
        migrations.set(LockstepSettings.FLEET_ON_FAILURE, onFailure);
        return this;
    }

    public FleetConfiguration listener(FleetListener listener) {
        this.listeners.add(listener);
        return this;
    }

    /** For Lockstep's own tests: a lock that locks nothing, to show what the per-tenant lock prevents. */
    FleetConfiguration parts(EngineParts parts) {
        this.parts = parts;
        return this;
    }

    /**
     * Checks the settings and builds the fleet; opens no connection and reads no file.
     *
     * @throws LockstepConfigurationException naming the first bad setting
     */
    public LockstepFleet load() {
        RunSettings settings = migrations.check();
        // An empty list is a fleet that starts empty (createTenant adds to it).
        Optional<List<String>> list = settings.find(LockstepSettings.TENANTS_LIST);
        Optional<String> query = settings.find(LockstepSettings.TENANTS_QUERY);
        if (list.isPresent() && query.isPresent()) {
            throw new LockstepConfigurationException(LockstepSettings.TENANTS_QUERY.key(), "is set with "
                    + "lockstep.tenants.list; set one of them");
        }
        if (source == null && list.isEmpty() && query.isEmpty()) {
            throw new LockstepConfigurationException("tenants", "no tenants are set; give a list (tenants.list), a "
                    + "query (tenants.query, e.g. SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%') "
                    + "or a bean (tenants.bean)");
        }
        Optional<String> urlTemplate = settings.find(LockstepSettings.TENANTS_URL_TEMPLATE);
        TenantsMode mode = migrations.value(LockstepSettings.TENANTS_MODE)
                .orElse(urlTemplate.isPresent() ? TenantsMode.DATABASE : TenantsMode.SCHEMA);
        TenantDatabases reach = reach(settings, mode, urlTemplate);
        Optional<String> templateDatabase = settings.find(LockstepSettings.TENANTS_TEMPLATE_DATABASE);
        if (templateDatabase.isPresent() && mode == TenantsMode.SCHEMA) {
            throw new LockstepConfigurationException(LockstepSettings.TENANTS_TEMPLATE_DATABASE.key(), "is for "
                    + "database-per-tenant; with schema-per-tenant createTenant migrates the new schema");
        }
        return new LockstepFleet(name, settings, parts, reach, Optional.ofNullable(source), listeners);
    }

    /** How a tenant is reached: a schema of the fleet's database, or a database of its own. */
    private TenantDatabases reach(RunSettings settings, TenantsMode mode, Optional<String> urlTemplate) {
        Optional<String> schema = settings.target().schema();
        if (mode == TenantsMode.SCHEMA) {
            if (urlTemplate.isPresent()) {
                throw new LockstepConfigurationException(LockstepSettings.TENANTS_URL_TEMPLATE.key(), "is for "
                        + "database-per-tenant, and lockstep.tenants.mode is schema; set tenants.mode=database or "
                        + "remove the URL template");
            }
            if (schema.isPresent()) {
                throw new LockstepConfigurationException(LockstepSettings.SCHEMA.key(), "is set, but with "
                        + "schema-per-tenant each tenant's tracker is in its own schema; remove the schema setting, "
                        + "or set tenants.mode=database");
            }
            return new TenantDatabases.Schemas(settings.target().dataSource());
        }
        if (databases != null) {
            return new TenantDatabases.Databases(databases::forTenant, schema);
        }
        if (urlTemplate.isEmpty()) {
            throw new LockstepConfigurationException(LockstepSettings.TENANTS_URL_TEMPLATE.key(), "is not set, and "
                    + "tenants.mode=database needs to know where a tenant's database is: set it, e.g. "
                    + "jdbc:postgresql://db:5432/${tenant}, or tenants.data-sources-bean");
        }
        return TenantDatabases.Databases.fromUrl(urlTemplate.get(), settings.find(LockstepSettings.USER).orElse(null),
                settings.find(LockstepSettings.PASSWORD).orElse(null), schema);
    }
}
