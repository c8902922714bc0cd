package dev.lockstep.core.internal.files;

import dev.lockstep.core.internal.sql.FileProblem;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.sql.TableChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks an expand/contract migration's statements, from their facts, and gathers its
 * {@link ExpandContract}: every statement an {@code ALTER TABLE} whose actions the engine can expand
 * and contract; anything else refused naming the line and the action, with what to do instead.
 */
final class ExpandContractReading {

    static final String SUPPORTED = "RENAME COLUMN, DROP COLUMN, ALTER COLUMN ... TYPE ... [USING ...], "
            + "ALTER COLUMN ... SET NOT NULL, ADD COLUMN, ADD CONSTRAINT ... CHECK / FOREIGN KEY / UNIQUE (...) and "
            + "RENAME TO";

    private ExpandContractReading() {
    }

    static ExpandContract of(List<SqlStatement> statements, Directives directives) {
        List<ExpandContract.Change> changes = new ArrayList<>();
        Set<String> typeBackUsed = new HashSet<>();
        Set<String> retypedTables = new HashSet<>();
        for (SqlStatement statement : statements) {
            List<String> words = statement.facts().keywords();
            if (words.size() < 2 || !words.get(0).equals("ALTER") || !words.get(1).equals("TABLE")
                    || statement.facts().changes().isEmpty()) {
                throw new FileProblem(statement.line(), "'" + statement.oneLine(60) + "' is not an ALTER TABLE; an "
                        + "expand/contract migration holds only ALTER TABLE statements (" + SUPPORTED + "). Put it in "
                        + "a migration of its own");
            }
            for (TableChange change : statement.facts().changes()) {
                Optional<String> typeBack = Optional.empty();
                if (change instanceof TableChange.Other other) {
                    throw new FileProblem(statement.line(), "'" + SqlStatement.oneLine(other.action(), 60) + "' cannot "
                            + "be expanded and contracted; an expand/contract migration supports " + SUPPORTED
                            + " (a constraint without NOT VALID: the expand adds it NOT VALID and the contract validates "
                            + "it). Put it in a migration of its own");
                }
                if (change instanceof TableChange.AddColumn add && add.notNullWithoutDefault()) {
                    throw new FileProblem(statement.line(), "ADD COLUMN " + add.column() + " is NOT NULL without a "
                            + "DEFAULT, so every insert of the release still running would fail; give it a DEFAULT, or "
                            + "add it nullable and SET NOT NULL in a later expand/contract migration");
                }
                if (change instanceof TableChange.ChangeType type) {
                    String key = type.tableKey() + "." + type.column();
                    typeBack = Optional.ofNullable(directives.typeBack().get(key));
                    typeBack.ifPresent(found -> typeBackUsed.add(key));
                    retypedTables.add(type.tableKey());
                    if (retypedTables.size() > 1) {
                        throw new FileProblem(statement.line(), "column types change in more than one table ("
                                + String.join(", ", retypedTables) + "); each backfill is a job of its own migration, "
                                + "so change the types of one table per expand/contract migration");
                    }
                }
                changes.add(new ExpandContract.Change(change, statement.line(), typeBack));
            }
        }
        for (Map.Entry<String, Integer> typeBack : directives.typeBackLines().entrySet()) {
            if (!typeBackUsed.contains(typeBack.getKey())) {
                throw new FileProblem(typeBack.getValue(), "'-- lockstep:type-back " + typeBack.getKey() + "' names "
                        + "no column whose type this migration changes; correct it, or remove it");
            }
        }
        return new ExpandContract(changes);
    }
}
