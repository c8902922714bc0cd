package dev.lockstep.core.internal.sql;

import dev.lockstep.core.LintRule;
import java.util.Optional;

/**
 * What a statement tells the lint, in the order the statement says it. Whether a risk is reported
 * depends on what came before it (a table created earlier in the same migration, a check validated
 * by an earlier one), which only the lint, reading the migrations in order, knows.
 */
public sealed interface LintEvent {

    /**
     * A statement risky on a table that has rows and traffic.
     *
     * @param relation the table (or index) it locks, as written, or what it covers ("every table")
     * @param relationKey the relation's name as PostgreSQL resolves it: no risk when the same
     *     migration created it; empty when the statement names no relation
     * @param unlessValidated {@code table.column}: no risk when a validated {@code CHECK (column IS
     *     NOT NULL)} covers it (for {@code SET NOT NULL})
     */
    record Risk(LintRule rule, String relation, Optional<String> relationKey, Optional<String> unlessValidated)
            implements LintEvent {

        static Risk on(LintRule rule, RelationName relation) {
            return new Risk(rule, relation.text(), Optional.of(relation.key()), Optional.empty());
        }
    }

    /** A table, view, sequence or index that did not exist before, so nobody uses it yet. */
    record Creates(String relationKey) implements LintEvent {
    }

    /** {@code ADD CONSTRAINT name CHECK (column IS NOT NULL) NOT VALID} on {@code table.column}. */
    record AddsNotNullCheck(String constraintKey, String tableColumn) implements LintEvent {
    }

    /** {@code VALIDATE CONSTRAINT name}. */
    record Validates(String constraintKey) implements LintEvent {
    }
}
