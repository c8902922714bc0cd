package dev.lockstep.core.internal.fleet;

import dev.lockstep.core.internal.tracker.Identifiers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * How a fleet reaches one tenant: schema-per-tenant (the fleet's DataSource, the tenant's schema
 * for tracker and {@code search_path}) or database-per-tenant (a DataSource per tenant, from a URL
 * template or the user's factory).
 */
public sealed interface TenantDatabases {

    /** Where one tenant's run goes, and the placeholder values its files see. */
    record Reach(DataSource dataSource, Optional<String> schema, Optional<String> searchPath,
            Map<String, String> placeholders) {
    }

    Reach reach(String tenant);

    /** The placeholder values a tenant's files see: {@code tenant}, and {@code schema} where it is known. */
    Map<String, String> placeholders(String tenant);

    /** {@code lockstep...tenants.mode} as users write it. */
    String mode();

    /** Each tenant a schema of the fleet's database, named as the tenant. */
    record Schemas(DataSource dataSource) implements TenantDatabases {

        @Override
        public Reach reach(String tenant) {
            Identifiers.validate("tenant", tenant);
            return new Reach(dataSource, Optional.of(tenant), Optional.of(Identifiers.quote(tenant)),
                    placeholders(tenant));
        }

        @Override
        public Map<String, String> placeholders(String tenant) {
            return Map.of("tenant", tenant, "schema", tenant);
        }

        @Override
        public String mode() {
            return "schema";
        }
    }

    /** Each tenant a database of its own; the tracker in {@code schema} when set, else the current schema. */
    record Databases(Function<String, DataSource> dataSources, Optional<String> schema) implements TenantDatabases {

        /**
         * A database per tenant, {@code ${tenant}} in {@code urlTemplate} replaced by the tenant's name
         * (the catalog's check of {@code tenants.url-template} made sure it is there).
         */
        public static Databases fromUrl(String urlTemplate, String user, String password, Optional<String> schema) {
            return new Databases(tenant -> new DriverDataSource(urlTemplate.replace("${tenant}", tenant), user,
                    password), schema);
        }

        @Override
        public Reach reach(String tenant) {
            Identifiers.validate("tenant", tenant);
            return new Reach(dataSources.apply(tenant), schema, Optional.empty(), placeholders(tenant));
        }

        @Override
        public Map<String, String> placeholders(String tenant) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("tenant", tenant);
            schema.ifPresent(s -> values.put("schema", s));
            return values;
        }

        @Override
        public String mode() {
            return "database";
        }
    }
}
