package dev.lockstep.autoconfigure;

import dev.lockstep.core.FleetConfiguration;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.MigrationHook;
import dev.lockstep.core.TenantDataSources;
import dev.lockstep.core.TenantSource;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.util.StringUtils;

/**
 * Builds {@link LockstepTargets} from {@code lockstep.targets}: per target its DataSource (a bean
 * by name, its own URL, or the application's), its files, tracker and lock, and with tenants a
 * fleet. Every other setting comes from {@code lockstep.*}. Errors name the property.
 *
 * <p>The main set, {@code lockstep.locations}, stays: it is the target {@code main}, run first,
 * when {@code lockstep.locations} is set or its default folder is there, unless a named target
 * reads the same folders. Adding a tenants target to a service must not silently stop its own
 * migrations (and a tenants query often reads a table they create).
 */
final class LockstepTargetsFactory {

    private static final Log LOG = LogFactory.getLog(LockstepTargetsFactory.class);
    /** The main set's name among the targets. */
    static final String MAIN = "main";

    private final LockstepProperties properties;
    private final ListableBeanFactory beans;
    private final DataSource application;
    private final String runnerName;
    private final ClassLoader classLoader;
    private final List<MigrationHook> hooks;
    private final List<LockstepCustomizer> customizers;
    /** Whether {@code lockstep.locations} is set, not left at its default. */
    private final boolean locationsSet;
    /** The main set's DataSource, chosen as the single engine's is: {@code lockstep.url}, a marked bean, the one. */
    private final Supplier<DataSource> mainDataSource;

    LockstepTargetsFactory(LockstepProperties properties, boolean locationsSet, Supplier<DataSource> mainDataSource,
            ListableBeanFactory beans, DataSource application, String runnerName, ClassLoader classLoader,
            List<MigrationHook> hooks, List<LockstepCustomizer> customizers) {
        this.properties = properties;
        this.locationsSet = locationsSet;
        this.mainDataSource = mainDataSource;
        this.beans = beans;
        this.application = application;
        this.runnerName = runnerName;
        this.classLoader = classLoader;
        this.hooks = hooks;
        this.customizers = customizers;
    }

    LockstepTargets build() {
        List<LockstepTargets.Target> targets = new ArrayList<>();
        List<SharedTrackers.Tracked> trackers = new ArrayList<>();
        mainSet().ifPresent(main -> add(MAIN, "lockstep.", main, mainSetDataSource(), targets, trackers));
        properties.getTargets().forEach((name, target) -> {
            String prefix = "lockstep.targets." + name + ".";
            add(name, prefix, target, dataSource(prefix, target), targets, trackers);
        });
        return new LockstepTargets(targets, trackers);
    }

    /** One target built, and its tracker noted when it has one of its own (no tenants). */
    private void add(String name, String prefix, TargetProperties target, DataSource dataSource,
            List<LockstepTargets.Target> targets, List<SharedTrackers.Tracked> trackers) {
        targets.add(build(name, prefix, target, dataSource));
        if (!target.hasTenants()) {
            trackers.add(new SharedTrackers.Tracked(name, dataSource, first(target.getSchema(), properties.getSchema()),
                    first(target.getTable(), properties.getTable())));
        }
    }

    /**
     * The main set as a target: {@code lockstep.locations} with {@code lockstep.*}'s settings, when
     * the locations are set or the default folder is on the class path, and no named target reads
     * them. A named target called {@code main} is then refused: the name is the main set's.
     */
    private Optional<TargetProperties> mainSet() {
        List<String> locations = properties.getLocations();
        boolean named = properties.getTargets().values().stream().anyMatch(t -> t.getLocations().equals(locations));
        boolean there = locationsSet || locations.stream().allMatch(this::onClasspath);
        if (named || locations.isEmpty() || !there) {
            return Optional.empty();
        }
        if (properties.getTargets().containsKey(MAIN)) {
            throw new LockstepConfigurationException("lockstep.targets." + MAIN, "is named as the main set, "
                    + "lockstep.locations " + locations + ", which runs as the target 'main' before the named ones; "
                    + "give this target another name, or give it the main set's locations to make it the main set");
        }
        LOG.info("Lockstep: the main set, lockstep.locations " + locations + ", runs as target '" + MAIN
                + "' before " + properties.getTargets().keySet().stream().map(n -> "'" + n + "'").toList()
                + " (set lockstep.locations= to run the named targets alone)");
        TargetProperties main = new TargetProperties();
        main.setLocations(new ArrayList<>(locations));
        return Optional.of(main);
    }

    /** Whether a default {@code classpath:} location is on the class path. */
    private boolean onClasspath(String location) {
        String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        return classLoader.getResource(path.replaceAll("^/+", "")) != null;
    }

    private LockstepTargets.Target build(String name, String prefix, TargetProperties target, DataSource dataSource) {
        if (target.getLocations().isEmpty()) {
            throw new LockstepConfigurationException(prefix + "locations", "is not set; give the folder of this "
                    + "target's files, e.g. classpath:db/" + name + " (targets never share lockstep.locations by default, "
                    + "so two sets of files are not applied to each other's database)");
        }
        if (!properties.isAllowOtherMigrationTools()) {
            OtherMigrationTools.check(beans, dataSource, classLoader);
        }
        LockstepConfiguration configuration = Lockstep.configure()
                .dataSource(dataSource)
                .runnerName(runnerName)
                .classLoader(classLoader);
        LockstepPropertiesBinding.applyTarget(properties, target, configuration);
        hooks.forEach(configuration::hook);
        customizers.forEach(customizer -> customizer.customize(configuration));
        if (!target.hasTenants()) {
            if (target.getTenants().getUrlTemplate() != null || target.getTenants().getDataSourcesBean() != null) {
                throw new LockstepConfigurationException(prefix + "tenants", "says how to reach a tenant but not which "
                        + "tenants there are; set tenants.list, tenants.query or tenants.bean");
            }
            return new LockstepTargets.Target(name, Optional.of(configuration.load()), Optional.empty());
        }
        return new LockstepTargets.Target(name, Optional.empty(), Optional.of(fleet(name, prefix, target,
                configuration, dataSource)));
    }

    /** The fleet: the catalog's tenant settings are bound; what names a bean, and the pool's limit, are Boot's. */
    private LockstepFleet fleet(String name, String prefix, TargetProperties target,
            LockstepConfiguration configuration, DataSource dataSource) {
        TargetProperties.Tenants tenants = target.getTenants();
        FleetConfiguration fleet = LockstepFleet.configure(configuration).name(name);
        if (tenants.getList().isEmpty() && tenants.getQuery() == null) {
            fleet.tenants(bean(prefix + "tenants.bean", tenants.getBean(), TenantSource.class));
        }
        boolean databases = tenants.databasePerTenant();
        if (tenants.getDataSourcesBean() != null) {
            fleet.databasePerTenant(bean(prefix + "tenants.data-sources-bean", tenants.getDataSourcesBean(),
                    TenantDataSources.class));
        } else if (tenants.getUrlTemplate() != null) {
            configuration.set(LockstepSettings.USER, first(target.getUser(), properties.getUser()))
                    .set(LockstepSettings.PASSWORD, first(target.getPassword(), properties.getPassword()));
        }
        Integer configured = first(target.getFleet().getParallelism(), properties.getFleet().getParallelism());
        fleet.parallelism(parallelism(configured, dataSource, databases));
        try {
            return fleet.load();
        } catch (LockstepConfigurationException e) {
            if (!e.setting().startsWith(LockstepSettings.TENANTS_LIST.key().replace("list", ""))) {
                throw e;
            }
            // A tenant setting of this target: named as the target's property.
            String own = prefix + e.setting().substring("lockstep.".length());
            throw new LockstepConfigurationException(own, e.getMessage().substring(e.setting().length() + 2));
        }
    }

    /**
     * The fleet's parallelism: the setting or 4, and with schema-per-tenant never more than half
     * the pool's size (a tenant waiting for a table lock holds two connections), so the
     * application's own requests still get connections.
     */
    static int parallelism(Integer configured, DataSource dataSource, boolean databasePerTenant) {
        int wanted = configured != null ? configured : FleetConfiguration.DEFAULT_PARALLELISM;
        Optional<Integer> poolSize = maximumPoolSize(dataSource);
        if (databasePerTenant || poolSize.isEmpty()) {
            return wanted;
        }
        int allowed = Math.max(1, poolSize.get() / 2);
        if (wanted > allowed) {
            if (configured != null) {
                LOG.warn("lockstep.fleet.parallelism=" + configured + " is more than the pool allows (maximum "
                        + poolSize.get() + " connections, and a tenant may hold two); using " + allowed);
            }
            return allowed;
        }
        return wanted;
    }

    /** HikariCP's (or any pool's) getMaximumPoolSize(), read without a compile-time dependency on the pool. */
    private static Optional<Integer> maximumPoolSize(DataSource dataSource) {
        try {
            Method getter = dataSource.getClass().getMethod("getMaximumPoolSize");
            Object size = getter.invoke(dataSource);
            return size instanceof Integer i && i > 0 ? Optional.of(i) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** As the single engine's, with the way out of running the main set at all. */
    private DataSource mainSetDataSource() {
        try {
            return mainDataSource.get();
        } catch (LockstepConfigurationException e) {
            throw new LockstepConfigurationException(e.setting(), e.getMessage().substring(e.setting().length() + 2)
                    + " (This is the main set, lockstep.locations, run as target '" + MAIN + "'; set "
                    + "lockstep.locations= to run only the named targets.)");
        }
    }

    private DataSource dataSource(String prefix, TargetProperties target) {
        if (StringUtils.hasText(target.getUrl())) {
            return MigrationDataSource.ofUrl(target.getUrl(), first(target.getUser(), properties.getUser()),
                    first(target.getPassword(), properties.getPassword()), classLoader);
        }
        if (StringUtils.hasText(target.getDataSource())) {
            return bean(prefix + "data-source", target.getDataSource(), DataSource.class);
        }
        if (application == null) {
            throw new LockstepConfigurationException(prefix + "data-source", "is not set and the application has no "
                    + "single DataSource; name the DataSource bean to migrate (the DataSource beans are "
                    + Arrays.toString(beans.getBeanNamesForType(DataSource.class)) + "), or set " + prefix + "url");
        }
        return application;
    }

    private <T> T bean(String property, String name, Class<T> type) {
        try {
            return beans.getBean(name, type);
        } catch (NoSuchBeanDefinitionException e) {
            throw new LockstepConfigurationException(property, "names no " + type.getSimpleName() + " bean '" + name
                    + "'; the " + type.getSimpleName() + " beans are " + Arrays.toString(beans.getBeanNamesForType(type)));
        }
    }

    private static <T> T first(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
