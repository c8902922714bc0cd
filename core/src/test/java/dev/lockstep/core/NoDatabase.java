package dev.lockstep.core;

import java.sql.Connection;

/**
 * A DataSource that fails the test when anything asks it for a connection: the proof that a check
 * runs before any connection is opened.
 */
public final class NoDatabase extends ConnectionOnlyDataSource {

    @Override
    public Connection getConnection() {
        throw new AssertionError("a connection was opened, but this check must run before any connection");
    }
}
