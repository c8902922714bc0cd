package dev.lockstep.core.internal.sql;

import java.util.Optional;

/**
 * One action of an {@code ALTER TABLE}, as {@link AlterTableReader} read it from the tokens: what an
 * expand/contract migration ({@code -- lockstep:expand-contract}) turns into an additive expand and a
 * later contract. Names are as PostgreSQL resolves them (a bare word folded to lower case); the
 * table is as written, to be resolved on the migration's {@code search_path}; type, expressions and
 * definitions are the statement's own text.
 */
public sealed interface TableChange {

    /** The table as the statement writes it, e.g. {@code public.users}. */
    String table();

    /** {@code RENAME [COLUMN] a TO b}. */
    record RenameColumn(String table, String column, String to) implements TableChange {
    }

    /** {@code DROP [COLUMN] a}. */
    record DropColumn(String table, String column) implements TableChange {
    }

    /**
     * {@code ALTER [COLUMN] a [SET DATA] TYPE t [USING expression]}; {@code tableKey} is the table's
     * name as PostgreSQL resolves it ({@link RelationName#key()}), for {@code -- lockstep:type-back}.
     */
    record ChangeType(String table, String tableKey, String column, String type, Optional<String> using)
            implements TableChange {
    }

    /**
     * {@code ADD [COLUMN] c definition}: {@code definition} is everything after the name;
     * {@code notNullWithoutDefault} when it says {@code NOT NULL} and gives no {@code DEFAULT}.
     */
    record AddColumn(String table, String column, String definition, boolean notNullWithoutDefault)
            implements TableChange {
    }

    /** {@code ALTER [COLUMN] a SET NOT NULL}. */
    record SetNotNull(String table, String column) implements TableChange {
    }

    /**
     * {@code ADD CONSTRAINT name CHECK (...) | FOREIGN KEY (...) REFERENCES ...}, without {@code NOT VALID}:
     * {@code definition} is what follows the name.
     */
    record AddConstraint(String table, String name, String definition) implements TableChange {
    }

    /**
     * {@code ADD CONSTRAINT name UNIQUE (columns)}: {@code columns} is the parenthesized list as written.
     */
    record AddUnique(String table, String name, String columns) implements TableChange {
    }

    /** {@code RENAME TO u}. */
    record RenameTable(String table, String to) implements TableChange {
    }

    /** Any other action: {@code action} is its text, for the message that refuses it. */
    record Other(String table, String action) implements TableChange {
    }
}
