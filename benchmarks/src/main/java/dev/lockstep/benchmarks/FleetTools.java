package dev.lockstep.benchmarks;

import dev.lockstep.core.FleetConfiguration;
import dev.lockstep.core.FleetFailurePolicy;
import dev.lockstep.core.FleetReport;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.TenantStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.flywaydb.core.Flyway;

/**
 * The fleet scenario's contestants: ways to bring many tenant schemas (a schema per tenant, named
 * as the tenant) up to one set of files. Each run builds its tools afresh, as a restart would. A
 * tenant that fails is counted and its first error logged, not fatal: the run goes on.
 */
final class FleetTools {

    /** Lockstep's fleet default, which leaves a 2-core machine's server headroom. */
    static final int PARALLELISM = FleetConfiguration.DEFAULT_PARALLELISM;
    /** The thread count of the hand-written Flyway pool. */
    static final int FLYWAY_THREADS = 8;

    static final String LOCKSTEP = "lockstep";
    static final String FLYWAY_SEQUENTIAL = "flyway-sequential";
    static final String FLYWAY_THREADED = "flyway-" + FLYWAY_THREADS + "-threads";
    static final String LIQUIBASE_SEQUENTIAL = "liquibase-sequential";

    private FleetTools() {
    }

    /** One way to migrate a fleet of tenant schemas. */
    interface FleetTool {

        /** The results' tool column; Lockstep's is "lockstep", so the tables show each other tool's ratio to it. */
        String name();

        /** Starts the names of its tenant schemas, so tools never share one. */
        String prefix();

        /** The most connections its HikariCP pool may open. */
        int poolSize();

        /** Whether it creates a tenant's schema when it is missing; Liquibase does not. */
        default boolean createsSchemas() {
            return true;
        }

        /** Migrates every schema of {@code schemas}; returns how many failed. */
        int migrate(DataSource dataSource, List<String> schemas, MigrationSet set) throws Exception;
    }

    static List<FleetTool> all() {
        return List.of(new LockstepFleetTool(), new FlywaySequential(), new FlywayThreaded(), new LiquibaseSequential());
    }

    static FleetTool lockstep() {
        return new LockstepFleetTool();
    }

    /**
     * Lockstep's fleet API: the files read and checked once for the fleet, {@link FleetTools#PARALLELISM}
     * tenants at a time, each under its own lock; each tenant's schema is created when missing and
     * is first in {@code search_path} while its files run. Failed tenants are counted rather than
     * stopping the fleet ({@code CONTINUE}), like the other tools here.
     */
    static final class LockstepFleetTool implements FleetTool {
        @Override
        public String name() {
            return LOCKSTEP;
        }

        @Override
        public String prefix() {
            return "ls_";
        }

        /** Each tenant in flight holds one connection, two while it waits for a table lock. */
        @Override
        public int poolSize() {
            return PARALLELISM * 2;
        }

        @Override
        public int migrate(DataSource dataSource, List<String> schemas, MigrationSet set) {
            FleetReport report = LockstepFleet.configure(Lockstep.configure().dataSource(dataSource)
                            .locations("filesystem:" + set.lockstepDir()))
                    .tenants(schemas)
                    .parallelism(PARALLELISM)
                    .onFailure(FleetFailurePolicy.CONTINUE)
                    .load()
                    .migrate();
            List<TenantStatus> failed = report.failed();
            if (!failed.isEmpty()) {
                Log.line("  %s: %d tenant(s) failed, first %s: %s", name(), failed.size(), failed.get(0).tenant(),
                        failed.get(0).error().orElse(""));
            }
            return failed.size() + report.notStarted().size();
        }
    }

    /** A Flyway per schema, {@code schemas} and {@code defaultSchema} set to it: Flyway's own way to one schema. */
    static Flyway flyway(DataSource dataSource, String schema, MigrationSet set) {
        // The tenant set has no CREATE INDEX CONCURRENTLY, so Flyway runs with its defaults here,
        // transactional lock included (see Tools.FlywayTool for why the other scenarios change it).
        return Flyway.configure().dataSource(dataSource).schemas(schema).defaultSchema(schema)
                .locations("filesystem:" + set.flywayDir()).load();
    }

    /** Flyway in a loop, one schema after another, as a service starting up would write it. */
    static final class FlywaySequential implements FleetTool {
        @Override
        public String name() {
            return FLYWAY_SEQUENTIAL;
        }

        @Override
        public String prefix() {
            return "fws_";
        }

        /** With its default transactional lock, a Flyway run on PostgreSQL uses two connections. */
        @Override
        public int poolSize() {
            return 2;
        }

        @Override
        public int migrate(DataSource dataSource, List<String> schemas, MigrationSet set) {
            Failures failures = new Failures(name());
            for (String schema : schemas) {
                try {
                    flyway(dataSource, schema, set).migrate();
                } catch (RuntimeException e) {
                    failures.add(schema, e);
                }
            }
            return failures.count();
        }
    }

    /**
     * Flyway on a fixed pool of {@link FleetTools#FLYWAY_THREADS} threads, a Flyway per schema: what users
     * write by hand when the loop is too slow. Its pool has two connections per thread, since each
     * Flyway run may hold two (its default transactional lock's and the migrations'); with fewer,
     * runs would wait on the pool.
     */
    static final class FlywayThreaded implements FleetTool {
        @Override
        public String name() {
            return FLYWAY_THREADED;
        }

        @Override
        public String prefix() {
            return "fwt_";
        }

        @Override
        public int poolSize() {
            return FLYWAY_THREADS * 2;
        }

        @Override
        public int migrate(DataSource dataSource, List<String> schemas, MigrationSet set) throws InterruptedException {
            ExecutorService threads = Executors.newFixedThreadPool(FLYWAY_THREADS);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (String schema : schemas) {
                    runs.add(threads.submit(() -> {
                        flyway(dataSource, schema, set).migrate();
                        return null;
                    }));
                }
                Failures failures = new Failures(name());
                for (int i = 0; i < runs.size(); i++) {
                    try {
                        runs.get(i).get();
                    } catch (ExecutionException e) {
                        failures.add(schemas.get(i), e.getCause());
                    }
                }
                return failures.count();
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /**
     * Liquibase the way {@code liquibase.integration.spring.MultiTenantSpringLiquibase} runs a list
     * of schemas: one after another, each a new Liquibase on a new connection with its database's
     * default schema set to the tenant ({@code SpringLiquibase.createDatabase} calls
     * {@code Database.setDefaultSchemaName}; Liquibase then puts its tables there and sets
     * {@code search_path} for the changesets). These are the same calls without the Spring bean,
     * which needs an application context's {@code ResourceLoader} to find the files; the files are
     * read as {@link Tools.LiquibaseTool} reads them. Liquibase does not create a default schema,
     * so the scenario creates the schemas before it (not timed).
     */
    static final class LiquibaseSequential implements FleetTool {
        @Override
        public String name() {
            return LIQUIBASE_SEQUENTIAL;
        }

        @Override
        public String prefix() {
            return "lbs_";
        }

        @Override
        public int poolSize() {
            return 2;
        }

        @Override
        public boolean createsSchemas() {
            return false;
        }

        @Override
        public int migrate(DataSource dataSource, List<String> schemas, MigrationSet set) throws Exception {
            Path changelog = set.liquibaseChangelog();
            Failures failures = new Failures(name());
            try (DirectoryResourceAccessor files = new DirectoryResourceAccessor(changelog.getParent())) {
                for (String schema : schemas) {
                    try (Connection connection = dataSource.getConnection()) {
                        Database database = DatabaseFactory.getInstance()
                                .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                        database.setDefaultSchemaName(schema);
                        try (Liquibase liquibase = new Liquibase(changelog.getFileName().toString(), files, database)) {
                            // Its console output goes to the (quiet) log instead of standard out.
                            Scope.child(Map.of(Scope.Attr.ui.name(), new LoggerUIService()), () -> liquibase.update());
                        }
                    } catch (Exception e) {
                        failures.add(schema, e);
                    }
                }
            }
            return failures.count();
        }
    }

    /** Counts failed tenants; logs the first one's error, and the total at the end of a run. */
    private static final class Failures {
        private final String tool;
        private int count;

        Failures(String tool) {
            this.tool = tool;
        }

        void add(String schema, Throwable error) {
            if (count++ == 0) {
                Log.line("  %s: tenant %s failed: %s", tool, schema, Together.rootMessage(error));
            }
        }

        int count() {
            if (count > 1) {
                Log.line("  %s: %d tenant(s) failed in all", tool, count);
            }
            return count;
        }
    }
}
