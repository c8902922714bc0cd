package dev.lockstep.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.ReleasePinning;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * {@code lockstep.expand.pin-connections} (on by default): the application's pool, when it is its one
 * DataSource and a HikariDataSource, runs {@link ReleasePinning#sql} on each new connection, for the
 * release its migration files make (the newest version among them): its version schema first on
 * {@code search_path}, so that during an expand/contract migration it sees its own shape, and its
 * version first in {@code application_name}, so that the contract sees when no older release remains.
 * A connection-init SQL of the application's own runs first. Applied after the pool's properties are
 * bound and before it opens a connection; with named targets or tenants, or several DataSources,
 * nothing is pinned (each such pool is the application's to pin).
 */
final class LockstepConnectionPinning implements BeanPostProcessor, EnvironmentAware, BeanFactoryAware, Ordered {

    private static final Log LOG = LogFactory.getLog(LockstepConnectionPinning.class);
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
            LockstepConnectionPinning.class.getClassLoader());

    /** The pools pinned to a release that holds an expand/contract migration: they must keep their sessions. */
    private static final Set<DataSource> EXPANDING = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /** Each pinned pool's connection-init SQL of the application's own ("" when none). */
    private static final Map<DataSource, String> OWN_INIT_SQL = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * For a pool this pinned: a DataSource of Lockstep's own with the pool's URL, login, driver
     * properties and connection-init SQL of the application's own, unpinned and unpooled (each call a
     * new physical connection, closed by its user); empty for any other DataSource.
     */
    static Optional<DataSource> unpinned(DataSource dataSource) {
        String own = OWN_INIT_SQL.get(dataSource);
        return own == null ? Optional.empty() : Optional.of(Hikari.unpinned(dataSource, own));
    }

    private Environment environment;

    /**
     * Refuses an application pool pinned to a release with an expand/contract migration when its
     * connections go through a pooler in transaction mode ({@link ReleasePinning#requireSessionPool}).
     */
    static void requireSessionPool(DataSource application) {
        if (application != null && EXPANDING.contains(application)) {
            ReleasePinning.requireSessionPool(application);
        }
    }
    private ListableBeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory instanceof ListableBeanFactory listable ? listable : null;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the pool's own properties are bound
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (HIKARI && bean instanceof DataSource && Hikari.is(bean) && applies()) {
            try {
                Hikari.pin((DataSource) bean, beanName, environment);
            } catch (RuntimeException e) {
                // The migration itself reports a bad file; pinning never fails the start on its own.
                LOG.warn("Could not pin the connections of DataSource '" + beanName + "' to this release: "
                        + e.getMessage());
            }
        }
        return bean;
    }

    private boolean applies() {
        Binder binder = Binder.get(environment);
        return environment.getProperty("lockstep.enabled", Boolean.class, true)
                && environment.getProperty("lockstep.expand.pin-connections", Boolean.class, true)
                && !binder.bind("lockstep.targets", java.util.Map.class).isBound()
                && !binder.bind("lockstep.tenants", java.util.Map.class).isBound()
                && beanFactory != null && beanFactory.getBeanNamesForType(DataSource.class, true, false).length == 1;
    }

    /** HikariCP, only touched when it is on the class path. */
    private static final class Hikari {

        static DataSource unpinned(DataSource bean, String ownInitSql) {
            HikariDataSource pool = (HikariDataSource) bean;
            if (pool.getJdbcUrl() == null) {
                // A pool built from a DataSource class: Boot's builder reads its URL and login.
                return org.springframework.boot.jdbc.DataSourceBuilder.derivedFrom(pool)
                        .type(org.springframework.jdbc.datasource.SimpleDriverDataSource.class).build();
            }
            DataSource driver = new com.zaxxer.hikari.util.DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(),
                    pool.getDataSourceProperties(), pool.getUsername(), pool.getPassword());
            return ownInitSql.isBlank() ? driver : new InitializingDataSource(driver, ownInitSql);
        }

        static boolean is(Object bean) {
            return bean instanceof HikariDataSource;
        }

        static void pin(DataSource bean, String beanName, Environment environment) {
            HikariDataSource pool = (HikariDataSource) bean;
            if (ReleasePinning.pins(pool.getConnectionInitSql())) {
                return;
            }
            LockstepProperties properties = Binder.get(environment).bind("lockstep", LockstepProperties.class)
                    .orElseGet(LockstepProperties::new);
            LockstepConfiguration files = Lockstep.configure().dataSource(pool)
                    .classLoader(LockstepConnectionPinning.class.getClassLoader());
            LockstepPropertiesBinding.apply(properties, files);
            Lockstep engine = files.load();
            Optional<MigrationVersion> release = engine.release();
            if (release.isEmpty()) {
                return;
            }
            if (engine.scan().stream().anyMatch(Migration::expandContract)) {
                EXPANDING.add(pool);
            }
            String own = pool.getConnectionInitSql();
            OWN_INIT_SQL.put(pool, own == null ? "" : own);
            pool.setConnectionInitSql((own == null || own.isBlank() ? "" : own + ";\n") + ReleasePinning.sql(release.get()));
            LOG.debug("The connections of DataSource '" + beanName + "' are pinned to release " + release.get()
                    + ": search_path " + ReleasePinning.schema(release.get()) + " first, application_name lockstep:"
                    + release.get());
        }
    }
}
