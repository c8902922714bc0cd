package dev.lockstep.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * A DataSource whose connections time every JDBC call and report it, with the SQL it carried and
 * whether it reached the server. It exists so the real-set scenario can say where a migration's
 * time goes (its own statements, Lockstep's bookkeeping around them, or the client) from the calls
 * Lockstep really makes, without changing Lockstep or the driver: {@link Proxy}s over the pool's
 * {@link Connection}s and the {@link Statement}s they create.
 *
 * <p>A call is a <em>round trip</em> when pgjdbc (42.7) sends something to the server for it and
 * waits for the answer:
 * <ul>
 *   <li>{@code execute}, {@code executeQuery}, {@code executeUpdate}, {@code executeLargeUpdate} of
 *       any statement; {@code executeBatch} and {@code executeLargeBatch} with at least one entry:
 *       one round trip for the whole batch (pgjdbc sends its statements together, with one Sync);</li>
 *   <li>{@code commit} and {@code rollback} while a transaction is open (pgjdbc sends nothing when
 *       none is), {@code rollback(Savepoint)}, and {@code setAutoCommit(true)} on a connection in a
 *       transaction (it commits); the transaction state is read from pgjdbc's
 *       {@link BaseConnection#getTransactionState()} before the call;</li>
 *   <li>{@code setSavepoint}, {@code releaseSavepoint}, {@code setTransactionIsolation},
 *       {@code setSchema}, {@code getSchema}, {@code setClientInfo} and {@code isValid}.</li>
 * </ul>
 * Every other call through these proxies is timed and reported as answered by the driver or the
 * pool: {@code createStatement}, {@code prepareStatement}, {@code addBatch}, {@code close},
 * {@code setAutoCommit(false)} (pgjdbc sends {@code BEGIN} with the next statement, inside that
 * round trip), {@code getAutoCommit}, {@code getMetaData}, {@code unwrap}, and the pool's
 * {@code getConnection} (which opens a physical connection when the pool has none idle: several
 * round trips of the connection start-up that no statement carries).
 *
 * <p>Not seen: calls on what these return unwrapped. {@link java.sql.ResultSet}s (pgjdbc has every
 * row by the time {@code executeQuery} returns, without a fetch size) and
 * {@link java.sql.DatabaseMetaData} (Lockstep asks it only the URL and the server version, which
 * pgjdbc has from the connection's start-up) are handed out as they are; so is whatever
 * {@code unwrap} returns, which is how a {@code COPY ... FROM stdin} reaches pgjdbc's copy API
 * (the real-set files have none). A batch's time cannot be split between its entries: its
 * receiver gets the entries' SQL and one time.
 */
final class CountingDataSource {

    /** One JDBC call, reported on the thread that made it, after it returned or threw. */
    record Call(Class<?> on, String method, List<String> sql, boolean roundTrip, long nanos) {
    }

    /** Receives every call, on the calling thread; must be fast, as its time counts as the client's. */
    @FunctionalInterface
    interface Calls {
        void add(Call call);
    }

    private static final Set<Class<?>> WRAPPED = Set.of(Connection.class, Statement.class, PreparedStatement.class,
            CallableStatement.class);
    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");
    private static final Set<String> ALWAYS_SENT = Set.of("setSavepoint", "releaseSavepoint",
            "setTransactionIsolation", "setSchema", "getSchema", "setClientInfo", "isValid");

    private CountingDataSource() {
    }

    static DataSource wrap(DataSource dataSource, Calls calls) {
        return proxy(DataSource.class, dataSource, calls, "");
    }

    private static <T> T proxy(Class<T> type, Object target, Calls calls, String preparedSql) {
        return type.cast(Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type},
                new Handler(type, target, calls, preparedSql)));
    }

    /**
     * Times and reports each call on one JDBC object, and wraps the connections and statements it
     * returns. A statement's handler keeps the SQL of its batch, so the batch's call can say what it carried.
     */
    private static final class Handler implements InvocationHandler {
        private final Class<?> type;
        private final Object target;
        private final Calls calls;
        /** A prepared statement's SQL; empty for a plain statement, a connection or the DataSource. */
        private final String preparedSql;
        private final List<String> batch = new ArrayList<>();

        Handler(Class<?> type, Object target, Calls calls, String preparedSql) {
            this.type = type;
            this.target = target;
            this.calls = calls;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == Object.class) {
                return switch (name) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "counted " + target;
                };
            }
            List<String> sql = sql(name, args);
            boolean roundTrip = roundTrip(name, args, sql);
            Object result;
            long started = System.nanoTime();
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                calls.add(new Call(type, name, sql, roundTrip, System.nanoTime() - started));
                track(name, args);
            }
            Class<?> returned = method.getReturnType();
            if (result != null && WRAPPED.contains(returned)) {
                String prepared = name.startsWith("prepare") && args != null && args[0] instanceof String text ? text : "";
                return proxy(returned, result, calls, prepared);
            }
            return result;
        }

        /** The SQL the call sends: a batch's entries, the statement's text, or none. */
        private List<String> sql(String name, Object[] args) {
            if (!EXECUTES.contains(name)) {
                return List.of();
            }
            if (name.endsWith("Batch")) {
                return List.copyOf(batch);
            }
            return args != null && args.length > 0 && args[0] instanceof String text ? List.of(text)
                    : List.of(preparedSql);
        }

        private boolean roundTrip(String name, Object[] args, List<String> sql) throws SQLException {
            if (EXECUTES.contains(name)) {
                return !sql.isEmpty();
            }
            if (type != Connection.class) {
                return false;
            }
            Connection connection = (Connection) target;
            return switch (name) {
                case "commit" -> inTransaction(connection);
                case "rollback" -> args != null || inTransaction(connection);
                case "setAutoCommit" -> Boolean.TRUE.equals(args[0]) && !connection.getAutoCommit()
                        && inTransaction(connection);
                default -> ALWAYS_SENT.contains(name);
            };
        }

        /** Keeps the batch's SQL: added entries, and none after it ran or was cleared. */
        private void track(String name, Object[] args) {
            switch (name) {
                case "addBatch" -> batch.add(args != null && args.length > 0 ? (String) args[0] : preparedSql);
                case "clearBatch", "executeBatch", "executeLargeBatch" -> batch.clear();
                default -> {
                }
            }
        }

        /** Whether pgjdbc has a transaction open; when the driver is not pgjdbc, assume it does. */
        private static boolean inTransaction(Connection connection) {
            try {
                return connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE;
            } catch (SQLException e) {
                return true;
            }
        }
    }
}
