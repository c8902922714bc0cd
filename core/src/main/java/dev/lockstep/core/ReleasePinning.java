package dev.lockstep.core;

import dev.lockstep.core.internal.expand.VersionSchema;
import dev.lockstep.core.internal.session.PoolerCheck;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How a release's connections see their own shape while expand/contract migrations
 * ({@code -- lockstep:expand-contract}) are expanded: each new connection runs {@link #sql} once,
 * which puts the release's version schema ({@code lockstep_v<newest version>}) first on its
 * {@code search_path} and {@code lockstep:<version>} first in its {@code application_name}. A schema
 * that does not exist is skipped by PostgreSQL, so a pinned release sees the tables themselves until
 * an expansion makes its schema; the marker is how a contract sees that no older release remains.
 * The Spring Boot starter pins the application's pool by itself ({@code lockstep.expand.pin-connections});
 * with the Java API, pass {@code sql(lockstep.release().orElseThrow())} to the pool, e.g. HikariCP's
 * {@code connectionInitSql}. A pool must keep its sessions: a pooler in transaction mode mixes them.
 */
public final class ReleasePinning {

    private ReleasePinning() {
    }

    /** The one statement that pins a new connection of the release whose newest migration is {@code release}. */
    public static String sql(MigrationVersion release) {
        return VersionSchema.pinSql(release);
    }

    /** The version schema of the release whose newest migration is {@code release}, e.g. {@code lockstep_v42}. */
    public static String schema(MigrationVersion release) {
        return VersionSchema.of(release);
    }

    /** The release a session's {@code application_name} says it runs, when it is pinned. */
    public static Optional<MigrationVersion> releaseOf(String applicationName) {
        return VersionSchema.versionOf(applicationName);
    }

    /**
     * Refuses a pool whose connections go through a pooler in transaction or statement mode: each
     * transaction may run on another server session, whose {@code search_path} is not the release's,
     * so a release would see another's shape.
     *
     * @throws LockstepException naming why
     */
    public static void requireSessionPool(DataSource pool) {
        try (Connection connection = pool.getConnection()) {
            Optional<String> seen = PoolerCheck.transactionPooling(connection, pool);
            if (seen.isPresent()) {
                throw new LockstepException("The application's connections go through a connection pooler in "
                        + "transaction or statement mode (" + seen.get() + "), where each transaction may run on "
                        + "another server session: the search_path that pins this release to its shape during an "
                        + "expand/contract migration would not hold from one transaction to the next, and the release "
                        + "would read and write another release's shape. Connect the application straight to PostgreSQL, "
                        + "or through a pooler in session mode.");
            }
        } catch (SQLException e) {
            throw new LockstepException("Could not check how the application's connections reach PostgreSQL: "
                    + e.getMessage(), e);
        }
    }

    /** Whether a pool's connection-init SQL pins its connections (holds what {@link #sql} returns). */
    public static boolean pins(String connectionInitSql) {
        return connectionInitSql != null && connectionInitSql.contains("'" + VersionSchema.MARKER);
    }
}
