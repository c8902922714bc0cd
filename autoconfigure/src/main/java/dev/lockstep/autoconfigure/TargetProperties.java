package dev.lockstep.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One named migration set, {@code lockstep.targets.<name>.*}: its database, files and tracker, and
 * optionally its tenants. What it does not set comes from {@code lockstep.*}.
 */
public class TargetProperties {

    /**
     * Name of the DataSource bean to migrate. Without it (and without url): the application's DataSource.
     */
    private String dataSource;

    /**
     * JDBC URL of a database to migrate through connections of Lockstep's own (unpooled), instead of a bean.
     */
    private String url;

    /**
     * User for url. Defaults to lockstep.user.
     */
    private String user;

    /**
     * Password for url. Defaults to lockstep.password.
     */
    private String password;

    /**
     * Folders of this target's migration files. Required: two targets never share files by accident.
     */
    private List<String> locations = new ArrayList<>();

    /**
     * The tracker's schema (not with schema-per-tenant, where each tenant's schema holds its tracker).
     */
    private String schema;

    /**
     * The tracker table's name. Defaults to lockstep.table.
     */
    private String table;

    /**
     * Advisory lock key. Defaults to a hash of the qualified tracker table name, which differs per tenant schema.
     */
    private Long lockKey;

    /**
     * Values for ${name} in this target's files, added to lockstep.placeholders.
     */
    private Map<String, String> placeholders = new LinkedHashMap<>();

    private final Tenants tenants = new Tenants();

    public String getDataSource() {
        return dataSource;
    }

    public void setDataSource(String dataSource) {
        this.dataSource = dataSource;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public List<String> getLocations() {
        return locations;
    }

    public void setLocations(List<String> locations) {
        this.locations = locations;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public Long getLockKey() {
        return lockKey;
    }

    public void setLockKey(Long lockKey) {
        this.lockKey = lockKey;
    }

    public Map<String, String> getPlaceholders() {
        return placeholders;
    }

    public void setPlaceholders(Map<String, String> placeholders) {
        this.placeholders = placeholders;
    }

    public Tenants getTenants() {
        return tenants;
    }

    /** Whether the target migrates tenants rather than one database. */
    boolean hasTenants() {
        return !tenants.list.isEmpty() || tenants.query != null || tenants.bean != null;
    }

    /** The target's tenants: where the names come from, and how a tenant is reached. */
    public static class Tenants {

        /**
         * Schema-per-tenant (each tenant a schema of the target's database) or database-per-tenant.
         */
        private Mode mode = Mode.SCHEMA;

        /**
         * The tenants, by name.
         */
        private List<String> list = new ArrayList<>();

        /**
         * A query on the target's database whose first column lists the tenants, run at each start.
         */
        private String query;

        /**
         * Name of a dev.lockstep.core.TenantSource bean that lists the tenants.
         */
        private String bean;

        /**
         * Database-per-tenant: JDBC URL of a tenant's database, ${tenant} standing for its name.
         */
        private String urlTemplate;

        /**
         * Database-per-tenant: name of a dev.lockstep.core.TenantDataSources bean, instead of url-template.
         */
        private String dataSourcesBean;

        /**
         * Database-per-tenant: the database that createTenant clones (migrated first).
         */
        private String templateDatabase;

        public enum Mode {
            SCHEMA, DATABASE
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public List<String> getList() {
            return list;
        }

        public void setList(List<String> list) {
            this.list = list;
        }

        public String getQuery() {
            return query;
        }

        public void setQuery(String query) {
            this.query = query;
        }

        public String getBean() {
            return bean;
        }

        public void setBean(String bean) {
            this.bean = bean;
        }

        public String getUrlTemplate() {
            return urlTemplate;
        }

        public void setUrlTemplate(String urlTemplate) {
            this.urlTemplate = urlTemplate;
        }

        public String getDataSourcesBean() {
            return dataSourcesBean;
        }

        public void setDataSourcesBean(String dataSourcesBean) {
            this.dataSourcesBean = dataSourcesBean;
        }

        public String getTemplateDatabase() {
            return templateDatabase;
        }

        public void setTemplateDatabase(String templateDatabase) {
            this.templateDatabase = templateDatabase;
        }
    }
}
