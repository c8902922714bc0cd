package dev.lockstep.core.internal.files;

import dev.lockstep.core.internal.sql.TableChange;
import java.util.List;
import java.util.Optional;

/**
 * What a migration marked {@code -- lockstep:expand-contract} changes: its {@code ALTER TABLE}
 * actions, each supported by the expand/contract engine, in file order. Its statements are never
 * run as written: the engine expands (additive changes, a version schema of views in the new shape,
 * triggers and a backfill for a changed type) when the migration is applied, and contracts (the
 * statements' final effect) once no session of an older release remains.
 *
 * @param changes every action, with the line of its statement and, for a changed type, the way back
 *     that {@code -- lockstep:type-back} gives
 */
public record ExpandContract(List<Change> changes) {

    public ExpandContract {
        changes = List.copyOf(changes);
    }

    /**
     * @param typeBack for {@link TableChange.ChangeType}: the expression that turns a value of the new
     *     type (the column's name stands for it) back into the old, for writes of the new release that the
     *     old one reads; empty: a cast to the old type
     */
    public record Change(TableChange change, int line, Optional<String> typeBack) {
    }

    /**
     * Whether its expand has work after its transaction commits: a backfill (a changed type) or a
     * unique index built concurrently; its row says {@code running} until that is done and the new
     * shape is shown.
     */
    public boolean finishesAfterCommit() {
        return retypedTable().isPresent()
                || changes.stream().anyMatch(change -> change.change() instanceof TableChange.AddUnique);
    }

    /** The one table whose column types change (its backfill is the migration's one job), if any does. */
    public Optional<String> retypedTable() {
        return changes.stream().map(Change::change).filter(TableChange.ChangeType.class::isInstance)
                .map(TableChange::table).findFirst();
    }
}
