/**
 * Lockstep's engine. Only the API package is exported; {@code dev.lockstep.core.internal.*} is the
 * engine's own and may change in any release.
 */
module dev.lockstep.core {
    requires transitive java.sql;
    // Only to tell a pooler from PostgreSQL and to send COPY rows; users bring the driver.
    requires static org.postgresql.jdbc;

    exports dev.lockstep.core;
}
