package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockstepConfigurationException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.StringUtils;

/**
 * Chooses the DataSource Lockstep migrates, like Spring Boot does for Flyway:
 * <ol>
 *   <li>{@code lockstep.url}, {@code lockstep.user} or {@code lockstep.password} set: a DataSource
 *       of Lockstep's own, unpooled (each run opens one physical connection and closes it at the
 *       end); what is not set is taken from the application's DataSource.</li>
 *   <li>else the bean marked {@link LockstepDataSource};</li>
 *   <li>else the application's only (or {@code @Primary}) DataSource.</li>
 * </ol>
 * Several DataSources and no choice is a startup failure that says how to choose, rather than
 * Spring's generic "expected single matching bean".
 */
final class MigrationDataSource {

    private MigrationDataSource() {
    }

    static DataSource choose(LockstepProperties properties, ObjectProvider<DataSource> lockstepDataSource,
            ObjectProvider<DataSource> dataSources, List<String> dataSourceNames, ClassLoader classLoader) {
        if (hasText(properties.getUrl()) || hasText(properties.getUser()) || hasText(properties.getPassword())) {
            return dedicated(properties, dataSources.getIfUnique(), classLoader);
        }
        DataSource marked = lockstepDataSource.getIfAvailable();
        if (marked != null) {
            return unpinned(marked);
        }
        DataSource unique = dataSources.getIfUnique();
        if (unique == null) {
            throw new LockstepConfigurationException("lockstep.url", "the application has " + dataSourceNames.size()
                    + " DataSource beans " + dataSourceNames + " and none is @Primary or marked @LockstepDataSource, so Lockstep "
                    + "cannot tell which database to migrate. Annotate the DataSource to migrate with "
                    + "@dev.lockstep.autoconfigure.LockstepDataSource, or set lockstep.url (with lockstep.user and "
                    + "lockstep.password) to migrate through a connection of its own.");
        }
        return unpinned(unique);
    }

    /**
     * The pool itself, unless {@link LockstepConnectionPinning} pinned it to the release's shape: then
     * a DataSource of Lockstep's own, unpooled, with the pool's URL, login, driver properties and
     * connection-init SQL of the application's own, since the migrations act on the tables, not on
     * a release's views.
     */
    private static DataSource unpinned(DataSource dataSource) {
        if (!PINNABLE) {
            return dataSource;
        }
        return LockstepConnectionPinning.unpinned(dataSource).orElse(dataSource);
    }

    private static final boolean PINNABLE = org.springframework.util.ClassUtils.isPresent(
            "com.zaxxer.hikari.HikariDataSource", MigrationDataSource.class.getClassLoader());

    private static DataSource dedicated(LockstepProperties properties, DataSource application, ClassLoader classLoader) {
        if (!hasText(properties.getUrl()) && application == null) {
            throw new LockstepConfigurationException("lockstep.url", "lockstep.user or lockstep.password is set but "
                    + "there is no lockstep.url and no single application DataSource to take the URL from; set "
                    + "lockstep.url, e.g. jdbc:postgresql://db:5432/orders");
        }
        DataSourceBuilder<?> builder = application != null ? DataSourceBuilder.derivedFrom(application)
                : DataSourceBuilder.create(classLoader);
        builder.type(SimpleDriverDataSource.class);
        if (hasText(properties.getUrl())) {
            builder.url(properties.getUrl());
        }
        if (hasText(properties.getUser())) {
            builder.username(properties.getUser());
        }
        if (properties.getPassword() != null) {
            builder.password(properties.getPassword());
        }
        return builder.build();
    }

    /** A DataSource of Lockstep's own for one URL, unpooled: a target's {@code url}. */
    static DataSource ofUrl(String url, String user, String password, ClassLoader classLoader) {
        DataSourceBuilder<?> builder = DataSourceBuilder.create(classLoader).type(SimpleDriverDataSource.class).url(url);
        if (hasText(user)) {
            builder.username(user);
        }
        if (password != null) {
            builder.password(password);
        }
        return builder.build();
    }

    private static boolean hasText(String value) {
        return StringUtils.hasText(value);
    }
}
