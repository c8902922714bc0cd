package dev.lockstep.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 side of {@link LockstepDatabase}: resolves {@link DataSource}, {@link Connection}
 * and {@link ClonedDatabase} parameters to the class's (or method's) clone, and drops the clone
 * when its scope ends.
 */
public final class LockstepDatabaseExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LockstepDatabaseExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DataSource.class || type == Connection.class || type == ClonedDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ClonedDatabase clone = clone(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == ClonedDatabase.class) {
            return clone;
        }
        if (type == DataSource.class) {
            return clone.dataSource();
        }
        try {
            Connection connection = clone.connect();
            connections(context).add(connection);
            return connection;
        } catch (SQLException e) {
            throw new ParameterResolutionException("Could not connect to " + clone + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        for (Connection connection : connections(context)) {
            connection.close();
        }
        boolean failed = context.getExecutionException().isPresent();
        LockstepDatabase settings = LockstepDatabases.settings(context.getRequiredTestClass());
        ClonedDatabase methodClone = context.getStore(NAMESPACE).remove("clone", ClonedDatabase.class);
        if (methodClone != null) {
            ClassClones.Kept.dropOrKeep(methodClone, failed && settings.keepOnFailure(), context.getDisplayName());
        } else if (failed) {
            ClassClones.failed(context.getRequiredTestClass());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ClassClones.release(testClass, LockstepDatabases.settings(testClass).keepOnFailure());
    }

    private static ClonedDatabase clone(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        LockstepDatabase settings = LockstepDatabases.settings(testClass);
        if (settings.scope() == LockstepDatabase.Scope.METHOD && context.getTestMethod().isPresent()) {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent("clone",
                    key -> newClone(settings, testClass), ClonedDatabase.class);
        }
        return ClassClones.obtain(testClass, () -> newClone(settings, testClass));
    }

    /** A plain JUnit test's clone: on the test server, with the annotation's settings alone. */
    private static ClonedDatabase newClone(LockstepDatabase settings, Class<?> testClass) {
        return LockstepDatabases.newClone(settings, DatabaseServer.forTests(), Map.of(), testClass);
    }

    @SuppressWarnings("unchecked")
    private static List<Connection> connections(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("connections", key -> new ArrayList<Connection>(),
                List.class);
    }
}
