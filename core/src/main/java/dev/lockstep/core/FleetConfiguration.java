package dev.lockstep.core;

import dev.lockstep.core.internal.fleet.TenantDatabases;
import dev.lockstep.core.internal.run.EngineParts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fluent settings for a {@link LockstepFleet}: the migrations (a {@link LockstepConfiguration}, whose
 * DataSource is the fleet's own database), where the tenants are, and how they run.
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
    private TenantSource tenants;
    private String tenantsDescription;
    /** Whether the tenants are a list the user wrote, which may name public. */
    private boolean tenantsListed;
    private String tenantsQuery;
    private TenantDataSources databases;
    private String urlTemplate;
    private String user;
    private String password;
    private String templateDatabase;
    private int parallelism = DEFAULT_PARALLELISM;
    private int canaryCount;
    private List<String> canaryNames = List.of();
    private FleetFailurePolicy onFailure = FleetFailurePolicy.STOP_ON_FIRST_FAILURE;
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

    /** These tenants, in this order. */
    public FleetConfiguration tenants(List<String> tenants) {
        List<String> copy = List.copyOf(tenants);
        this.tenants = () -> copy;
        this.tenantsDescription = "the list";
        this.tenantsListed = true;
        this.tenantsQuery = null;
        return this;
    }

    /** The tenants a query on the fleet's DataSource returns (first column), in its order; run at each fleet run. */
    public FleetConfiguration tenantsQuery(String sql) {
        this.tenantsQuery = sql;
        this.tenants = null;
        this.tenantsDescription = "the query";
        this.tenantsListed = false;
        return this;
    }

    /** The tenants {@code source} returns, asked at each fleet run. */
    public FleetConfiguration tenants(TenantSource source) {
        this.tenants = source;
        this.tenantsQuery = null;
        this.tenantsDescription = "the tenant source";
        this.tenantsListed = false;
        return this;
    }

    /**
     * Database-per-tenant: each tenant's database at this URL, {@code ${tenant}} replaced by its
     * name, e.g. {@code jdbc:postgresql://db:5432/${tenant}}. Connections are opened for a tenant's
     * run and closed after it. Without this (or {@link #databasePerTenant(TenantDataSources)}),
     * tenants are schemas of the fleet's database.
     */
    public FleetConfiguration databasePerTenant(String urlTemplate, String user, String password) {
        this.urlTemplate = urlTemplate;
        this.user = user;
        this.password = password;
        this.databases = null;
        return this;
    }

    /** Database-per-tenant, each tenant's DataSource from {@code dataSources}. */
    public FleetConfiguration databasePerTenant(TenantDataSources dataSources) {
        this.databases = dataSources;
        this.urlTemplate = null;
        return this;
    }

    /**
     * Database-per-tenant: {@link LockstepFleet#createTenant} clones this database (migrated first)
     * with {@code CREATE DATABASE ... TEMPLATE}, instead of creating an empty one and migrating it.
     */
    public FleetConfiguration templateDatabase(String templateDatabase) {
        this.templateDatabase = templateDatabase;
        return this;
    }

    /** How many tenants migrate at once (default 4); each holds one connection while it runs, two while it waits for a table lock. */
    public FleetConfiguration parallelism(int parallelism) {
        this.parallelism = parallelism;
        return this;
    }

    /** The first {@code count} tenants run first, as canaries; the fleet stops if one fails. */
    public FleetConfiguration canaries(int count) {
        this.canaryCount = count;
        this.canaryNames = List.of();
        return this;
    }

    /** These tenants run first, as canaries; the fleet stops if one fails. */
    public FleetConfiguration canaries(List<String> names) {
        this.canaryNames = List.copyOf(names);
        this.canaryCount = 0;
        return this;
    }

    public FleetConfiguration onFailure(FleetFailurePolicy onFailure) {
        this.onFailure = onFailure;
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
        var settings = migrations.check();
        if (tenants == null && tenantsQuery == null) {
            throw new LockstepConfigurationException("tenants", "no tenants are set; give a list (tenants.list), a "
                    + "query (tenants.query, e.g. SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%') "
                    + "or a bean (tenants.bean)");
        }
        if (parallelism < 1) {
            throw new LockstepConfigurationException("fleet.parallelism", "'" + parallelism + "' must be 1 or more");
        }
        if (canaryCount < 0) {
            throw new LockstepConfigurationException("fleet.canaries", "'" + canaryCount + "' must be 0 or more");
        }
        if (settings.target().schema().isPresent() && urlTemplate == null && databases == null) {
            throw new LockstepConfigurationException("lockstep.schema", "is set, but with schema-per-tenant each "
                    + "tenant's tracker is in its own schema; remove the schema setting, or set tenants.mode=database");
        }
        TenantDatabases reach;
        if (urlTemplate != null) {
            reach = TenantDatabases.Databases.fromUrl(urlTemplate, user, password, settings.target().schema());
        } else if (databases != null) {
            reach = new TenantDatabases.Databases(databases::forTenant, settings.target().schema());
        } else {
            reach = new TenantDatabases.Schemas(settings.target().dataSource());
        }
        if (templateDatabase != null && reach instanceof TenantDatabases.Schemas) {
            throw new LockstepConfigurationException("tenants.template-database", "is for database-per-tenant; "
                    + "with schema-per-tenant createTenant migrates the new schema");
        }
        return new LockstepFleet(name, settings, parts, reach, tenants, tenantsQuery, tenantsDescription, tenantsListed,
                Optional.ofNullable(templateDatabase), parallelism, canaryCount, canaryNames, onFailure, listeners);
    }
}
