package dev.lockstep.core.internal.run;

import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.RelationName;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Finishing an interrupted migration, or an interrupted undo, whose statements are all concurrent
 * index builds (naming their index) or drops: the catalog says which statements are done, and an
 * INVALID index an interrupted build left is dropped before it is built again
 * ({@link MigrationApplier.Start#RESUMED}, {@link DownOutsideTransaction}).
 */
final class Resumption {

    private static final System.Logger LOG = System.getLogger(Resumption.class.getName());

    private Resumption() {
    }

    /**
     * Resuming an interrupted migration: whether this statement's work is done. A build whose index
     * is valid is; a build whose index is INVALID is not, and the index is dropped first; a drop
     * whose index is gone is.
     */
    static boolean alreadyDone(Connection connection, LoadedMigration migration, SqlStatement sql)
            throws SQLException {
        return alreadyDone(connection, migration.file(), sql);
    }

    /** The same for a statement of the file {@code file} (an up or a down), named in the log. */
    static boolean alreadyDone(Connection connection, String file, SqlStatement sql) throws SQLException {
        Optional<PartWay> work = sql.facts().partWay();
        if (work.isEmpty() || work.get().index().isEmpty()) {
            return false;
        }
        InvalidIndexes.IndexOf where = InvalidIndexes.IndexOf.of(work.get()).orElseThrow();
        RelationName index = where.index();
        InvalidIndexes.State state = InvalidIndexes.state(connection, where);
        boolean drop = work.get().kind() == PartWay.Kind.DROPS_INDEX;
        if (drop && state == InvalidIndexes.State.ABSENT) {
            LOG.log(Level.INFO, "Resuming " + file + ": line " + sql.line() + " is done (index "
                    + index.text() + " is gone)");
            return true;
        }
        if (drop) {
            return false;
        }
        if (state == InvalidIndexes.State.VALID) {
            LOG.log(Level.INFO, "Resuming " + file + ": line " + sql.line() + " is done (index "
                    + index.text() + " is built and valid)");
            return true;
        }
        if (state == InvalidIndexes.State.INVALID) {
            String name = InvalidIndexes.nameOf(connection, where).orElse(index.text());
            LOG.log(Level.WARNING, "Resuming " + file + ": the interrupted build at line " + sql.line()
                    + " left the INVALID index " + name + "; dropping it (DROP INDEX CONCURRENTLY) to build it again");
            InvalidIndexes.drop(connection, name);
        }
        return false;
    }
}
