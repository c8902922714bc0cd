package dev.lockstep.test;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.RoundTrip;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Checks in a test suite that every down file undoes its up: on a new, empty database (a clone of
 * {@code template0}, dropped afterwards), each migration's up runs, then its down, and the catalog
 * must be back to what it was before the up: tables, columns and their types and defaults,
 * indexes, constraints, sequences, views, functions, triggers, policies, grants. Then the up runs
 * again and the next migration follows.
 *
 * <pre>{@code
 * @Test
 * void everyDownUndoesItsUp() {
 *     LockstepRoundTrip.of("classpath:db/migrations").assertDownsUndoTheirUps();
 * }
 * }</pre>
 */
public final class LockstepRoundTrip {

    private final List<String> locations;
    private DatabaseServer server;
    private ClassLoader classLoader = LockstepRoundTrip.class.getClassLoader();

    private LockstepRoundTrip(List<String> locations) {
        this.locations = locations;
    }

    /** The migrations in these locations; none given: {@code classpath:db/migrations}. */
    public static LockstepRoundTrip of(String... locations) {
        return new LockstepRoundTrip(locations.length == 0
                ? List.of(LockstepSettings.LOCATIONS.defaultText().orElseThrow()) : Arrays.asList(locations));
    }

    /** The server to create the scratch database on; by default the one Lockstep's test support finds. */
    public LockstepRoundTrip server(DatabaseServer server) {
        this.server = server;
        return this;
    }

    public LockstepRoundTrip classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
        return this;
    }

    /** Every migration with a down, with what its down left different; runs on a scratch database. */
    public List<RoundTrip> roundTrips() {
        DatabaseServer on = server != null ? server : DatabaseServer.forTests();
        String database = "lockstep_roundtrip_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(on, "CREATE DATABASE " + database + " TEMPLATE template0");
        try {
            return Lockstep.configure().dataSource(on.dataSource(database)).locations(locations)
                    .classLoader(classLoader).load().roundTrips();
        } finally {
            execute(on, "DROP DATABASE IF EXISTS " + database);
        }
    }

    /** Fails naming each down file that does not bring the catalog back, with each difference. */
    public void assertDownsUndoTheirUps() {
        List<RoundTrip> failed = roundTrips().stream().filter(trip -> !trip.passed()).toList();
        if (!failed.isEmpty()) {
            throw new AssertionError(failed.size() + " down migration(s) do not undo their up migration "
                    + "('+' is left behind by the down, '-' removed by it; the migrations after it were not checked):"
                    + "\n  " + failed.stream().map(RoundTrip::describe).collect(Collectors.joining("\n  ")));
        }
    }

    private static void execute(DatabaseServer server, String sql) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }
}
