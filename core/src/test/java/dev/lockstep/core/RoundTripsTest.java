package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * How many round trips to the server a migration costs, counted on the migrating thread from
 * {@code migrationStarted} to {@code migrationApplied}: what each migration pays on top of its
 * own statements is the tracker row, the fence and the session, and on a history of thousands of
 * files every round trip of that shows (docs/benchmarks.md, the real-set shape). Counts, not
 * times: the same on every machine.
 */
class RoundTripsTest extends SchemaTestBase {

    @Test
    void aTransactionalMigrationIsOneRoundTripAndAConcurrentIndexBuildThree() {
        files.add("1_t.up.sql", "CREATE TABLE t (id int, v text);\nINSERT INTO t VALUES (1, 'a');\n")
                .add("2_t_id.up.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n")
                .add("3_t_v.up.sql", "CREATE INDEX CONCURRENTLY t_v ON t (v);\nALTER TABLE t ADD COLUMN w int;\n");
        Counted counted = new Counted(schema.dataSource());
        Map<String, Integer> roundTrips = new LinkedHashMap<>();

        configure().dataSource(counted.dataSource()).listener(new LockstepListener() {
            @Override
            public void migrationStarted(Migration migration, int index, int total) {
                counted.start();
            }

            @Override
            public void migrationApplied(Migration migration, Duration took) {
                roundTrips.put(migration.name(), counted.stop());
            }
        }).load().migrate();

        // Before: 2 (the batch, then COMMIT) and 8 (running row, fence, index state, timeout off,
        // build, timeout back, fence, applied row); a second statement outside a transaction adds
        // its own and one round trip before it (the fence and the timeout back).
        assertThat(roundTrips).containsExactly(Map.entry("t", 1), Map.entry("t_id", 3), Map.entry("t_v", 5));
        assertThat(Sql.tracker(schema)).containsExactly("1_t:applied", "2_t_id:applied", "3_t_v:applied");
    }

    /**
     * Counts the calls that reach the server on the thread that started counting: every
     * statement execution, {@code commit}, {@code rollback}, and a switch to autocommit that
     * ends an open transaction. {@code getMoreResults} and reading rows do not: the driver has
     * them already.
     */
    private static final class Counted {
        private final DataSource target;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile Thread counting;

        Counted(DataSource target) {
            this.target = target;
        }

        void start() {
            calls.set(0);
            counting = Thread.currentThread();
        }

        int stop() {
            counting = null;
            return calls.get();
        }

        DataSource dataSource() {
            return new ConnectionOnlyDataSource() {
                @Override
                public Connection getConnection() throws SQLException {
                    Connection connection = target.getConnection();
                    return proxy(Connection.class, connection, (method, args) -> {
                        String name = method.getName();
                        if (name.equals("commit") || name.equals("rollback") || (name.equals("setAutoCommit")
                                && Boolean.TRUE.equals(args[0]) && !connection.getAutoCommit()
                                && connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE)) {
                            count();
                        }
                        Object result = method.invoke(connection, args);
                        return result instanceof Statement statement && !name.equals("unwrap")
                                ? proxy(method.getReturnType(), statement, (m, a) -> {
                                    if (m.getName().startsWith("execute")) {
                                        count();
                                    }
                                    return m.invoke(statement, a);
                                })
                                : result;
                    });
                }
            };
        }

        private void count() {
            if (Thread.currentThread() == counting) {
                calls.incrementAndGet();
            }
        }

        private interface Call {
            Object invoke(Method method, Object[] args) throws Throwable;
        }

        @SuppressWarnings("unchecked")
        private static <T> T proxy(Class<T> type, Object target, Call call) {
            InvocationHandler handler = (proxy, method, args) -> {
                try {
                    return call.invoke(method, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return (T) Proxy.newProxyInstance(RoundTripsTest.class.getClassLoader(), new Class<?>[] {type}, handler);
        }
    }
}
