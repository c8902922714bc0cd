package dev.lockstep.autoconfigure;

import dev.lockstep.core.Lockstep;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Finds Flyway or Liquibase set up to migrate the database Lockstep migrates: a service that moved
 * from Flyway but kept its starter runs both, and the second tool then fails on what the first
 * applied ("column already exists"), with no word that two tools are at work. Reads the tools'
 * beans by class name, so neither library is needed to compile or run Lockstep.
 */
final class OtherMigrationTools {

    static final String ALLOW_PROPERTY = "lockstep.allow-other-migration-tools";

    /**
     * @param beanType the bean that knows which DataSource the tool migrates
     * @param migratingBeanTypes the beans that migrate when they are created (Flyway's initializer moved
     *     package in Boot 4)
     */
    private record Tool(String name, String beanType, List<String> migratingBeanTypes, String starter,
            String enabledProperty, String history, Function<Object, DataSource> dataSource) {
    }

    private static final List<Tool> TOOLS = List.of(
            new Tool("Flyway", "org.flywaydb.core.Flyway",
                    List.of("org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer",
                            "org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer"),
                    "spring-boot-starter-flyway", "spring.flyway.enabled",
                    " Lockstep adopts Flyway's history (flyway_schema_history) on its first run, without Flyway's library.",
                    flyway -> (DataSource) call(call(flyway, "getConfiguration"), "getDataSource")),
            new Tool("Liquibase", "liquibase.integration.spring.SpringLiquibase",
                    List.of("liquibase.integration.spring.SpringLiquibase"), "spring-boot-starter-liquibase",
                    "spring.liquibase.enabled", "", liquibase -> (DataSource) call(liquibase, "getDataSource")));

    private OtherMigrationTools() {
    }

    /**
     * Makes the other tools' migrating beans depend on the Lockstep engine, whose creation runs
     * {@link #check}: so the check comes before Flyway or Liquibase have changed anything.
     */
    static void checkBeforeTheyMigrate(ConfigurableListableBeanFactory beanFactory) {
        List<String> engines = new java.util.ArrayList<>(List.of(beanFactory.getBeanNamesForType(Lockstep.class, true,
                false)));
        engines.addAll(List.of(beanFactory.getBeanNamesForType(LockstepTargets.class, true, false)));
        if (engines.isEmpty()) {
            return;
        }
        for (Tool tool : TOOLS) {
            for (String typeName : tool.migratingBeanTypes()) {
                beanNames(beanFactory, typeName, beanFactory.getBeanClassLoader())
                        .forEach(name -> addDependsOn(beanFactory.getBeanDefinition(name), engines));
            }
        }
    }

    private static void addDependsOn(BeanDefinition definition, List<String> beans) {
        Set<String> dependsOn = new LinkedHashSet<>();
        if (definition.getDependsOn() != null) {
            dependsOn.addAll(List.of(definition.getDependsOn()));
        }
        dependsOn.addAll(beans);
        definition.setDependsOn(dependsOn.toArray(String[]::new));
    }

    /** Fails when another tool's bean migrates the same database as {@code migrated}. */
    static void check(ListableBeanFactory beanFactory, DataSource migrated, ClassLoader classLoader) {
        for (Tool tool : TOOLS) {
            for (String name : beanNames(beanFactory, tool.beanType(), classLoader)) {
                DataSource theirs = tool.dataSource().apply(beanFactory.getBean(name));
                if (sameDatabase(theirs, migrated)) {
                    throw new OtherMigrationToolException(describe(tool, name), advise(tool));
                }
            }
        }
    }

    /** The beans of a type named by its class, none when the class is not on the class path. */
    private static List<String> beanNames(ListableBeanFactory beanFactory, String typeName, ClassLoader classLoader) {
        if (!ClassUtils.isPresent(typeName, classLoader)) {
            return List.of();
        }
        return List.of(beanFactory.getBeanNamesForType(ClassUtils.resolveClassName(typeName, classLoader), true, false));
    }

    private static String describe(Tool tool, String beanName) {
        return tool.name() + " (bean '" + beanName + "') is set up to migrate the same database as Lockstep. Both would "
                + "apply their migrations at startup: a change one of them applied then fails in the other "
                + "(\"already exists\"), or is applied twice.";
    }

    private static String advise(Tool tool) {
        return "Use one migration tool: remove " + tool.starter() + " (or " + tool.name().toLowerCase()
                + "'s library) from the dependencies, or set " + tool.enabledProperty() + "=false." + tool.history()
                + " To run both on purpose, set " + ALLOW_PROPERTY + "=true.";
    }

    /**
     * The same pool, or two pools whose connections reach one database, as the server tells it
     * ({@link DatabaseIdentity}): {@code 127.0.0.1} and {@code localhost} are one. When either cannot
     * connect, nothing is claimed.
     */
    private static boolean sameDatabase(DataSource theirs, DataSource ours) {
        if (theirs == null || theirs == ours) {
            return theirs != null;
        }
        Optional<DatabaseIdentity> their = DatabaseIdentity.of(theirs);
        return their.isPresent() && their.equals(DatabaseIdentity.of(ours));
    }

    private static Object call(Object target, String method) {
        try {
            return Objects.requireNonNull(target).getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read " + method + " of " + target.getClass().getName(),
                    e instanceof InvocationTargetException ite ? ite.getCause() : e);
        }
    }

    /** Startup fails with this; {@link OtherMigrationToolFailureAnalyzer} shows its description and action. */
    static final class OtherMigrationToolException extends IllegalStateException {

        private final String description;
        private final String action;

        OtherMigrationToolException(String description, String action) {
            super(description + " " + action);
            this.description = description;
            this.action = action;
        }

        String description() {
            return description;
        }

        String action() {
            return action;
        }
    }
}
