package dev.lockstep.core;

import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationLoader;
import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.files.Placeholders;
import dev.lockstep.core.internal.fleet.TenantBoard;
import dev.lockstep.core.internal.fleet.TenantDatabases;
import dev.lockstep.core.internal.fleet.TenantNames;
import dev.lockstep.core.internal.fleet.Waves;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.run.Engine;
import dev.lockstep.core.internal.run.RunSettings;
import dev.lockstep.core.internal.run.RunTarget;
import dev.lockstep.core.internal.session.ConnectFailure;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Migrates many tenants (a schema or a database each) with one set of files: in parallel, each
 * tenant under a lock of its own (its tracker's), so replicas starting together share the fleet
 * instead of queueing behind one lock; canaries first. Each tenant's run is a {@link Lockstep} run
 * with everything that promises; the files are read and checked once for the whole fleet.
 * A run killed mid-fleet leaves each tenant as its own run left it; the next run picks up each
 * where it stands. Build one with {@link #configure(LockstepConfiguration)}.
 */
public final class LockstepFleet {

    private static final System.Logger LOG = System.getLogger(LockstepFleet.class.getName());

    private final String name;
    private final RunSettings settings;
    private final EngineParts parts;
    private final TenantDatabases databases;
    /** A source of tenants the code gives; empty: the list or query of the settings. */
    private final Optional<TenantSource> source;
    private final List<FleetListener> listeners;
    private final TenantBoard board = new TenantBoard();
    private volatile List<LoadedMigration> files;
    private volatile boolean started;

    /**
     * @param settings the checked settings, the fleet's among them ({@code tenants.*}, {@code fleet.*}),
     *     which the fleet reads by entry
     */
    LockstepFleet(String name, RunSettings settings, EngineParts parts, TenantDatabases databases,
            Optional<TenantSource> source, List<FleetListener> listeners) {
        this.name = name;
        this.settings = settings;
        this.parts = parts;
        this.databases = databases;
        this.source = source;
        this.listeners = new java.util.concurrent.CopyOnWriteArrayList<>(listeners);
    }

    /** Where the tenants come from, for messages. */
    private String tenantsDescription() {
        return source.isPresent() ? "the tenant source" : listed().isPresent() ? "the list" : "the query";
    }

    private Optional<List<String>> listed() {
        return source.isPresent() ? Optional.empty() : settings.find(LockstepSettings.TENANTS_LIST);
    }

    private Optional<String> templateDatabase() {
        return settings.find(LockstepSettings.TENANTS_TEMPLATE_DATABASE);
    }

    /** A fleet that runs the migrations {@code migrations} describes in every tenant. */
    public static FleetConfiguration configure(LockstepConfiguration migrations) {
        return new FleetConfiguration(migrations);
    }

    /**
     * Migrates every tenant: canaries first, then the rest, blocking until all are done.
     *
     * @return every tenant's status; under {@link FleetFailurePolicy#CONTINUE} failed tenants are in it
     * @throws FleetFailedException when a canary fails, or a tenant under {@code STOP_ON_FIRST_FAILURE}
     * @throws LockstepException when the files or the tenant list cannot be read (before any tenant runs)
     */
    public FleetReport migrate() {
        Plan plan = plan();
        runCanaries(plan);
        return runRest(plan);
    }

    /**
     * Migrates the canaries, blocking, then the rest in the background: for a service that may
     * serve once its canaries are migrated and asks {@link #awaitMigrated} per request.
     *
     * @return the whole run's report, when the rest are done
     * @throws FleetFailedException when a canary fails (nothing else is started)
     */
    public CompletableFuture<FleetReport> migrateCanariesThenRestInBackground() {
        Plan plan = plan();
        runCanaries(plan);
        CompletableFuture<FleetReport> rest = new CompletableFuture<>();
        Thread background = new Thread(() -> {
            try {
                rest.complete(runRest(plan));
            } catch (RuntimeException | Error e) {
                rest.completeExceptionally(e);
            }
        }, "lockstep-" + name + "-background");
        background.setDaemon(true);
        background.start();
        return rest;
    }

    /** Where a tenant stands; {@link TenantState#UNKNOWN} for a name the fleet does not know. */
    public TenantState state(String tenant) {
        return board.state(tenant);
    }

    public Optional<TenantStatus> status(String tenant) {
        return board.status(tenant);
    }

    /**
     * Waits up to {@code timeout} for the tenant's run to end; returns its state then: a request
     * handler serves on {@code MIGRATED} and answers 503 on anything else.
     */
    public TenantState awaitMigrated(String tenant, Duration timeout) throws InterruptedException {
        return board.await(tenant, timeout);
    }

    /** Tenants in the fleet's order, {@code size} from {@code offset}, for paging through thousands. */
    public List<TenantStatus> tenants(int offset, int size) {
        return board.page(offset, size);
    }

    /** How many tenants are pending, migrating, migrated and failed. */
    public Map<TenantState, Integer> counts() {
        return board.counts();
    }

    public List<TenantStatus> failed() {
        return board.failed();
    }

    public String name() {
        return name;
    }

    /** Whether a fleet run has started (its tenants are known); before that, every count is zero. */
    public boolean started() {
        return started;
    }

    /** {@code schema} or {@code database}. */
    public String mode() {
        return databases.mode();
    }

    public void addListener(FleetListener listener) {
        if (!listeners.contains(listener)) {
            listeners.add(listener);
        }
    }

    /**
     * Adds a tenant now and migrates it under its own lock: a new schema (created) migrated, or
     * for database-per-tenant a new database, cloned from the template database when one is set
     * (the template is migrated first; PostgreSQL refuses the clone while anyone is connected to
     * the template, so a clone never copies a half-migrated template), then migrated, which applies
     * what the clone lacks. A tenant that exists already is migrated.
     *
     * @throws LockstepException when the tenant could not be created or migrated, saying why
     */
    public TenantStatus createTenant(String tenant) {
        Identifiers.validate("tenant", tenant);
        try (Connection connection = connect()) {
            List<String> refused = TenantNames.refusals(List.of(tenant), true, databases, connection);
            if (!refused.isEmpty()) {
                throw new LockstepException("Could not create tenant " + tenant + ": " + refused.get(0));
            }
        } catch (SQLException e) {
            throw new LockstepException("Could not create tenant " + tenant + ": " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]", e);
        }
        if (databases instanceof TenantDatabases.Databases) {
            templateDatabase().ifPresent(template -> {
                TenantStatus templateStatus = migrateOne(template);
                if (templateStatus.state() != TenantState.MIGRATED) {
                    throw new LockstepException("Could not create tenant " + tenant + ": its template database "
                            + template + " failed to migrate: " + templateStatus.error().orElse(""));
                }
            });
            createDatabase(tenant);
        }
        board.register(List.of(tenant));
        TenantStatus status = migrateOne(tenant);
        if (status.state() != TenantState.MIGRATED) {
            throw new LockstepException("Could not migrate new tenant " + tenant + ": " + status.error().orElse(""));
        }
        return status;
    }

    private void createDatabase(String tenant) {
        String sql = "CREATE DATABASE " + Identifiers.quote(tenant)
                + templateDatabase().map(t -> " TEMPLATE " + Identifiers.quote(t)).orElse("");
        try (Connection connection = settings.target().connect(); Statement s = connection.createStatement()) {
            s.execute(sql);
            LOG.log(Level.INFO, "Fleet " + name + ": created database " + tenant
                    + templateDatabase().map(t -> " from template " + t).orElse(""));
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // it exists: migrating it is what is left to do
            }
            throw new LockstepException("Could not create tenant database " + tenant + " (" + sql + "): "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]" + ("55006".equals(e.getSQLState())
                            ? ". Another session is connected to the template; PostgreSQL clones only an idle "
                                    + "template. Try again when it is idle" : ""), e);
        }
    }

    /** Which tenants run, which of them are canaries, and the files; read before any tenant runs. */
    private record Plan(List<String> canaries, List<String> rest, long started) {
    }

    private Plan plan() {
        long startedNanos = System.nanoTime();
        files();
        List<String> all = readTenants();
        Set<String> canaries = new LinkedHashSet<>();
        List<String> canaryNames = settings.find(LockstepSettings.FLEET_CANARY_TENANTS).orElse(List.of());
        int parallelism = settings.get(LockstepSettings.FLEET_PARALLELISM);
        FleetFailurePolicy onFailure = settings.get(LockstepSettings.FLEET_ON_FAILURE);
        if (!canaryNames.isEmpty()) {
            List<String> unknown = canaryNames.stream().filter(c -> !all.contains(c)).toList();
            if (!unknown.isEmpty()) {
                throw new LockstepConfigurationException("fleet.canaries", unknown + " are not tenants of fleet " + name
                        + " (" + tenantsDescription() + " gave " + all.size() + " tenant(s)); name tenants it has");
            }
            canaries.addAll(canaryNames);
        } else {
            all.stream().limit(settings.get(LockstepSettings.FLEET_CANARIES)).forEach(canaries::add);
        }
        List<String> rest = all.stream().filter(t -> !canaries.contains(t)).toList();
        board.register(all);
        this.started = true;
        LOG.log(Level.INFO, "Fleet " + name + ": " + all.size() + " tenant(s) (" + databases.mode()
                + "-per-tenant, from " + tenantsDescription() + "), " + files.size() + " migration file(s), parallelism "
                + parallelism + (canaries.isEmpty() ? "" : ", canaries " + canaries) + ", on failure "
                + onFailure.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        return new Plan(List.copyOf(canaries), rest, startedNanos);
    }

    private void runCanaries(Plan plan) {
        boolean migrated = runWave(plan.canaries(), true);
        if (!migrated) {
            FleetReport report = report(plan);
            TenantStatus failed = report.failed().get(0);
            throw new FleetFailedException("Fleet " + name + " stopped: canary tenant " + failed.tenant()
                    + " failed, so none of the other " + plan.rest().size() + " tenant(s) was started: "
                    + failed.error().orElse(""), report, null);
        }
    }

    private FleetReport runRest(Plan plan) {
        boolean stopOnFailure = settings.get(LockstepSettings.FLEET_ON_FAILURE)
                == FleetFailurePolicy.STOP_ON_FIRST_FAILURE;
        runWave(plan.rest(), stopOnFailure);
        FleetReport report = report(plan);
        if (report.failed().isEmpty()) {
            LOG.log(Level.INFO, "Fleet " + name + ": " + report.summary());
            return report;
        }
        String failures = report.failed().stream().map(f -> f.tenant() + ": " + f.error().orElse(""))
                .collect(Collectors.joining("\n  "));
        if (stopOnFailure) {
            throw new FleetFailedException("Fleet " + name + " stopped on the first failure (" + report.summary()
                    + "); set fleet.on-failure=continue to migrate the other tenants anyway. Failed:\n  " + failures,
                    report, null);
        }
        LOG.log(Level.ERROR, "Fleet " + name + ": " + report.summary() + ". Failed tenant(s), which the next start "
                + "tries again:\n  " + failures);
        return report;
    }

    private boolean runWave(List<String> wave, boolean stopOnFailure) {
        try {
            return new Waves(settings.get(LockstepSettings.FLEET_PARALLELISM), name).run(wave, this::migrateOne,
                    stopOnFailure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockstepException("Fleet " + name + " was interrupted (the application is shutting down); "
                    + "tenants in flight stopped after their migration in flight, the others were not started");
        }
    }

    private FleetReport report(Plan plan) {
        List<String> order = new ArrayList<>(plan.canaries());
        order.addAll(plan.rest());
        return new FleetReport(board.of(order), Duration.ofNanos(System.nanoTime() - plan.started()));
    }

    /** One tenant's run; never throws: its outcome is its status. */
    private TenantStatus migrateOne(String tenant) {
        board.migrating(tenant);
        long started = System.nanoTime();
        TenantStatus status;
        // What a tenant applied before it failed counts too: each migration commits on its own.
        AtomicInteger applied = new AtomicInteger();
        try {
            Lockstep engine = engineFor(tenant);
            engine.addListener(new LockstepListener() {
                @Override
                public void migrationApplied(Migration migration, Duration took) {
                    applied.incrementAndGet();
                }
            });
            MigrationReport report = engine.migrate();
            status = new TenantStatus(tenant, TenantState.MIGRATED, report.applied().size(),
                    Duration.ofNanos(System.nanoTime() - started), Optional.empty());
        } catch (RuntimeException e) {
            String error = String.valueOf(e.getMessage()) + (e instanceof MigrationFailedException ? drift(tenant) : "");
            status = new TenantStatus(tenant, TenantState.FAILED, applied.get(),
                    Duration.ofNanos(System.nanoTime() - started), Optional.of(error));
            LOG.log(Level.WARNING, "Fleet " + name + ": tenant " + tenant + " failed: " + error);
        }
        board.finished(status);
        for (FleetListener listener : listeners) {
            try {
                listener.tenantFinished(status);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A fleet listener failed; the fleet goes on", e);
            }
        }
        return status;
    }

    /**
     * What a failed migration in one tenant means when the fleet's other tenants have it: every
     * tenant runs the same files, so a tenant that migrated applied this file too, and what differs
     * is the failed tenant's schema, not the file (whose checksum every tenant that applied it keeps).
     */
    private String drift(String tenant) {
        List<String> migrated = board.all().stream().filter(s -> s.state() == TenantState.MIGRATED)
                .map(TenantStatus::tenant).toList();
        if (migrated.isEmpty()) {
            return " (In fleet " + name + " every tenant runs this file: if it applies in the others, what differs is "
                    + "tenant " + tenant + "'s schema, to be fixed there rather than in the file.)";
        }
        return " But in fleet " + name + " the same file applied in " + migrated.size() + " other tenant(s) ("
                + String.join(", ", migrated.subList(0, Math.min(3, migrated.size()))) + (migrated.size() > 3 ? ", ..."
                        : "") + "): the file is not what differs, tenant " + tenant + "'s schema is (it has drifted "
                + "from its history). Do not edit the file, whose checksum every tenant that applied it keeps: make "
                + "tenant " + tenant + "'s schema what the file expects (an object it says already exists: compare it "
                + "with another tenant's, then drop or rename it) and start again.";
    }

    /**
     * The tenants the list, query or source gives now, in order, without running anything: for
     * tools that look at each tenant ({@code lockstep-cli info} and {@code validate} per tenant).
     */
    /**
     * Runs the jobs of batched migrations in every tenant ({@link Lockstep#runJobs(BooleanSupplier)}),
     * {@code fleet.jobs-parallelism} tenants at once: each tenant's jobs one after another, under
     * their locks, so a tenant whose job another process runs is left to it. A tenant whose jobs
     * cannot run (its database is down) is logged and the others go on.
     *
     * @return the jobs this call ran, by tenant, as they ended; tenants that ran none are left out
     */
    public Map<String, List<BatchedJob>> runJobs(BooleanSupplier stop) {
        return runJobs(stop, tenant -> null);
    }

    /**
     * {@link #runJobs(BooleanSupplier)}, telling {@code listeners.apply(tenant)} (when not null) of
     * each tenant's batches, throttles and ends, as an engine's listeners are told.
     */
    public Map<String, List<BatchedJob>> runJobs(BooleanSupplier stop, Function<String, LockstepListener> listeners) {
        List<String> tenants = readTenants();
        Map<String, List<BatchedJob>> ran = new java.util.concurrent.ConcurrentSkipListMap<>();
        if (tenants.isEmpty()) {
            return ran;
        }
        AtomicInteger threads = new AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(settings.get(LockstepSettings.FLEET_JOBS_PARALLELISM), tenants.size()), task -> {
                    Thread thread = new Thread(task, "lockstep-jobs-" + name + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            for (String tenant : tenants) {
                pool.execute(() -> {
                    if (stop.getAsBoolean()) {
                        return;
                    }
                    try {
                        Lockstep engine = engineFor(tenant);
                        LockstepListener listener = listeners.apply(tenant);
                        if (listener != null) {
                            engine.addListener(listener);
                        }
                        List<BatchedJob> jobs = engine.runJobs(stop);
                        if (!jobs.isEmpty()) {
                            ran.put(tenant, jobs);
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "Fleet " + name + ": the jobs of tenant " + tenant + " could not run: "
                                + e.getMessage() + ". The next call tries again.");
                    }
                });
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
                // Each tenant ends on its own: when its jobs are done, or between two batches when stopped.
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        return ran;
    }

    public List<String> tenantNames() {
        return readTenants();
    }

    /**
     * One tenant's engine, with the fleet's files and the tenant's database, tracker, search path
     * and placeholders: for {@code info()}, {@code validate()} or {@code preview()} of one tenant.
     */
    public Lockstep tenant(String tenant) {
        return engineFor(tenant);
    }

    private Lockstep engineFor(String tenant) {
        TenantDatabases.Reach reach = databases.reach(tenant);
        RunTarget target = settings.target().forTenant(tenant, reach.dataSource(), reach.schema(), reach.searchPath(),
                reach.placeholders());
        List<LoadedMigration> tenantFiles = files().stream().map(m -> m.withPlaceholders(target.placeholders()))
                .toList();
        return new Lockstep(settings.on(target), parts, new Engine.Files() {
            @Override
            public List<LoadedMigration> load() {
                return tenantFiles;
            }

            @Override
            public List<LoadedMigration> loadEveryFile() {
                return new MigrationLoader(MigrationScanner.readingEveryFile(settings.classLoader()),
                        settings.get(LockstepSettings.VERSIONS), target.placeholders()).load(settings.get(LockstepSettings.LOCATIONS));
            }
        });
    }

    /** The files, read and checked once, with a sample tenant's placeholder values so a bad one fails before any tenant runs. */
    private List<LoadedMigration> files() {
        List<LoadedMigration> read = files;
        if (read == null) {
            Placeholders sample = settings.target().placeholders().with(databases.placeholders("tenant"));
            read = new MigrationLoader(new MigrationScanner(settings.classLoader()), settings.get(LockstepSettings.VERSIONS), sample)
                    .load(settings.get(LockstepSettings.LOCATIONS));
            files = read;
        }
        return read;
    }

    /**
     * The tenants, each once, in order, checked before any runs ({@link TenantNames}): a name that
     * cannot be a tenant stops the whole fleet, naming every such name and why.
     */
    private List<String> readTenants() {
        List<String> found;
        try (Connection connection = connect()) {
            try {
                Optional<String> sql = source.isPresent() ? Optional.empty()
                        : settings.find(LockstepSettings.TENANTS_QUERY);
                found = source.isPresent() ? new ArrayList<>(source.get().tenants())
                        : sql.isPresent() ? query(connection, sql.get()) : new ArrayList<>(listed().orElse(List.of()));
            } catch (LockstepException e) {
                throw e;
            } catch (Exception e) {
                throw new LockstepException("Fleet " + name + ": could not read its tenants from " + tenantsDescription()
                        + ": " + e.getMessage(), e);
            }
            List<String> refused = TenantNames.refusals(found, listed().isPresent(), databases, connection);
            if (!refused.isEmpty()) {
                throw new LockstepException("Fleet " + name + ": " + tenantsDescription() + " gave " + refused.size()
                        + " name(s) that cannot be tenants, so nothing ran in any tenant:\n  "
                        + String.join("\n  ", refused));
            }
        } catch (SQLException e) {
            throw new LockstepException("Fleet " + name + ": could not check its tenants' names: " + e.getMessage()
                    + " [SQLState " + e.getSQLState() + "]", e);
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(found));
        if (distinct.size() < found.size()) {
            LOG.log(Level.WARNING, "Fleet " + name + ": " + tenantsDescription() + " names some tenants more than once; "
                    + "each runs once");
        }
        return distinct;
    }

    /** A connection to the fleet's own database; a refused login is said as what it is, with its fix. */
    private Connection connect() {
        try {
            return settings.target().connect();
        } catch (SQLException e) {
            throw new LockstepException("Fleet " + name + ": could not connect to its database to read and check its "
                    + "tenants: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]. "
                    + ConnectFailure.advice(e, 0), e);
        }
    }

    private List<String> query(Connection connection, String sql) {
        List<String> found = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new LockstepException("Fleet " + name + ": the tenants query failed: " + e.getMessage() + " [SQLState "
                    + e.getSQLState() + "]; fix tenants.query: " + sql, e);
        }
        return found;
    }
}
