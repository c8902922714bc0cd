package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A concurrent index build that names its index, about to run, with what the catalog said of the
 * index before it: so that an INVALID index found after a failure is provably the one this build
 * left (absent before, INVALID after), and never an index that was there already. The index is
 * looked up in its table's schema, where PostgreSQL builds it, not on {@code search_path}.
 */
final class ConcurrentBuild {

    private final InvalidIndexes.IndexOf index;
    private final InvalidIndexes.State before;

    /** The index a {@code CREATE INDEX CONCURRENTLY <name> ON <table>} builds; empty for any other statement. */
    static Optional<InvalidIndexes.IndexOf> indexBuiltBy(SqlStatement sql) {
        Optional<PartWay> work = sql.facts().partWay();
        if (work.isEmpty() || work.get().kind() != PartWay.Kind.BUILDS_INDEX) {
            return Optional.empty();
        }
        return InvalidIndexes.IndexOf.of(work.get());
    }

    /** @param before what {@link InvalidIndexes#stateSql} said of the index just before the build */
    ConcurrentBuild(InvalidIndexes.IndexOf index, InvalidIndexes.State before) {
        this.index = index;
        this.before = before;
    }

    /** The index's name as the statement wrote it, for messages. */
    String written() {
        return index.index().text();
    }

    /** The index's name as a statement that drops it must write it (qualified where its schema is not first on search_path). */
    String dropName(Connection connection) throws SQLException {
        return InvalidIndexes.nameOf(connection, index).orElse(written());
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

    /** Drops the INVALID index this build left, concurrently; returns the name it dropped. */
    String dropLeftover(Connection connection) throws SQLException {
        String name = dropName(connection);
        InvalidIndexes.drop(connection, name);
        return name;
    }
}
