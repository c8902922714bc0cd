package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.RelationName;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A concurrent index build that names its index, about to run, with what the catalog said of the
 * index before it: so that an INVALID index found after a failure is provably the one this build
 * left (absent before, INVALID after), and never an index that was there already.
 */
final class ConcurrentBuild {

    private final RelationName index;
    private final InvalidIndexes.State before;

    /** The index a {@code CREATE INDEX CONCURRENTLY <name>} builds; empty for any other statement. */
    static Optional<RelationName> indexBuiltBy(SqlStatement sql) {
        Optional<PartWay> work = sql.facts().partWay();
        if (work.isEmpty() || work.get().kind() != PartWay.Kind.BUILDS_INDEX) {
            return Optional.empty();
        }
        return work.get().index();
    }

    /** @param before what {@link InvalidIndexes#stateSql} said of the index just before the build */
    ConcurrentBuild(RelationName index, InvalidIndexes.State before) {
        this.index = index;
        this.before = before;
    }

    RelationName index() {
        return index;
    }

    /** Whether the index was there, INVALID, before the build: {@code IF NOT EXISTS} then keeps it as it is. */
    boolean foundInvalid() {
        return before == InvalidIndexes.State.INVALID;
    }

    /** Whether this build left an INVALID index: none before, an INVALID one now. */
    boolean leftInvalidIndex(Connection connection) throws SQLException {
        return before == InvalidIndexes.State.ABSENT
                && InvalidIndexes.state(connection, index) == InvalidIndexes.State.INVALID;
    }

    /** Drops the INVALID index this build left, concurrently. */
    void dropLeftover(Connection connection) throws SQLException {
        InvalidIndexes.drop(connection, index.text());
    }
}
