package dev.lockstep.core.internal.sql;

import dev.lockstep.core.LintRule;
import dev.lockstep.core.internal.sql.LintEvent.AddsNotNullCheck;
import dev.lockstep.core.internal.sql.LintEvent.Risk;
import dev.lockstep.core.internal.sql.LintEvent.Validates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the actions of {@code ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, ...]}, for
 * {@link StatementAnalyzer}: the lock the statement takes (the strongest of its actions'), whether
 * it detaches a partition concurrently, and the lint's events, in the order the actions come.
 */
final class AlterTableReader {

    private static final Set<String> VOLATILE_FUNCTIONS = Set.of("RANDOM", "CLOCK_TIMESTAMP", "TIMEOFDAY",
            "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4", "UUIDV4", "UUIDV7",
            "NEXTVAL", "TXID_CURRENT");
    private static final Set<String> SERIAL_TYPES = Set.of("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2",
            "SERIAL4", "SERIAL8");

    /**
     * @param table the table it alters; empty when the statement names none
     * @param lock the table and the strongest lock its actions take; empty when the statement names no table
     * @param detachesConcurrently whether an action is {@code DETACH PARTITION ... CONCURRENTLY} (or {@code FINALIZE})
     */
    record Result(Optional<RelationName> table, Optional<LockTaken> lock, boolean detachesConcurrently,
            List<LintEvent> lint, List<TableChange> changes) {
    }

    private final RelationName table;
    private final List<LintEvent> lint = new ArrayList<>();
    private boolean detachesConcurrently;

    private AlterTableReader(RelationName table) {
        this.table = table;
    }

    /** @param c just after {@code ALTER TABLE} */
    static Result read(TokenCursor c) {
        c.accept("IF", "EXISTS");
        c.accept("ONLY");
        Optional<RelationName> table = c.name();
        c.acceptPunctuation('*');
        if (table.isEmpty()) {
            return new Result(Optional.empty(), Optional.empty(), false, List.of(), List.of());
        }
        AlterTableReader reader = new AlterTableReader(table.get());
        LockMode strongest = LockMode.ACCESS_SHARE;
        List<TableChange> changes = new ArrayList<>();
        for (TokenCursor action : c.restByTopLevelCommas()) {
            changes.add(change(table.get(), action.copy()));
            strongest = LockMode.stronger(strongest, reader.action(action));
        }
        return new Result(table, Optional.of(new LockTaken(table.get().text(), strongest)),
                reader.detachesConcurrently, reader.lint, changes);
    }

    /** What one action changes, for an expand/contract migration; {@link TableChange.Other} for the rest. */
    private static TableChange change(RelationName relation, TokenCursor a) {
        String table = relation.text();
        String action = a.restText();
        TableChange other = new TableChange.Other(table, action);
        if (a.accept("RENAME")) {
            if (a.accept("TO")) {
                Optional<RelationName> to = a.name();
                return to.isPresent() && a.atEnd() ? new TableChange.RenameTable(table, to.get().key()) : other;
            }
            if (a.peek("CONSTRAINT")) {
                return other;
            }
            a.accept("COLUMN");
            Optional<RelationName> column = a.name();
            if (column.isEmpty() || !a.accept("TO")) {
                return other;
            }
            Optional<RelationName> to = a.name();
            return to.isPresent() && a.atEnd() ? new TableChange.RenameColumn(table, column.get().key(), to.get().key())
                    : other;
        }
        if (a.accept("DROP")) {
            if (a.peek("CONSTRAINT") || a.peek("IF")) {
                return other;
            }
            a.accept("COLUMN");
            Optional<RelationName> column = a.name();
            return column.isPresent() && a.atEnd() ? new TableChange.DropColumn(table, column.get().key()) : other;
        }
        if (a.accept("ALTER")) {
            a.accept("COLUMN");
            Optional<RelationName> column = a.name();
            if (column.isEmpty()) {
                return other;
            }
            if (a.accept("SET", "NOT", "NULL")) {
                return a.atEnd() ? new TableChange.SetNotNull(table, column.get().key()) : other;
            }
            if (!a.accept("SET", "DATA", "TYPE") && !a.accept("TYPE")) {
                return other;
            }
            Tokens tokens = a.tokens();
            int from = a.position();
            int using = from;
            while (using < a.end() && !tokens.isWord(using, "USING") && !tokens.isWord(using, "COLLATE")) {
                using++;
            }
            if (using == from || using < a.end() && tokens.isWord(using, "COLLATE")) {
                return other;
            }
            String type = tokens.span(from, using - 1);
            Optional<String> expression = using < a.end() - 1
                    ? Optional.of(tokens.span(using + 1, a.end() - 1)) : Optional.empty();
            if (using < a.end() && expression.isEmpty()) {
                return other;
            }
            return new TableChange.ChangeType(table, relation.key(), column.get().key(), type, expression);
        }
        if (a.accept("ADD")) {
            if (a.accept("CONSTRAINT")) {
                Optional<RelationName> name = a.name();
                if (name.isPresent() && a.accept("UNIQUE")) {
                    TableChange.AddUnique unique = new TableChange.AddUnique(table, name.get().key(), a.restText());
                    return a.parenthesized().remaining() > 0 && a.atEnd() ? unique : other;
                }
                if (name.isEmpty() || !(a.peek("CHECK") || a.peek("FOREIGN", "KEY")) || a.restContains("NOT", "VALID")) {
                    return other;
                }
                return new TableChange.AddConstraint(table, name.get().key(), a.restText());
            }
            if (a.peek("CHECK") || a.peek("FOREIGN") || a.peek("PRIMARY") || a.peek("UNIQUE") || a.peek("EXCLUDE")
                    || a.peek("NOT")) {
                return other;
            }
            a.accept("COLUMN");
            if (a.peek("IF")) {
                return other;
            }
            Optional<RelationName> column = a.name();
            if (column.isEmpty() || a.atEnd()) {
                return other;
            }
            boolean notNull = a.restContains("NOT", "NULL");
            boolean hasDefault = a.restContains("DEFAULT");
            return new TableChange.AddColumn(table, column.get().key(), a.restText(), notNull && !hasDefault);
        }
        return other;
    }

    /** One action; returns the lock it takes. */
    private LockMode action(TokenCursor a) {
        if (a.accept("DETACH", "PARTITION")) {
            a.name();
            if (a.accept("CONCURRENTLY") || a.accept("FINALIZE")) {
                detachesConcurrently = true;
                return LockMode.SHARE_UPDATE_EXCLUSIVE;
            }
            return LockMode.ACCESS_EXCLUSIVE;
        }
        if (a.accept("ATTACH", "PARTITION")) {
            return LockMode.SHARE_UPDATE_EXCLUSIVE;
        }
        if (a.accept("VALIDATE", "CONSTRAINT")) {
            a.name().ifPresent(constraint -> lint.add(new Validates(constraint.key())));
            return LockMode.SHARE_UPDATE_EXCLUSIVE;
        }
        if (a.accept("RENAME")) {
            if (!a.accept("CONSTRAINT")) {
                risk(LintRule.RENAME);
            }
        } else if (a.accept("ADD")) {
            return add(a);
        } else if (a.accept("ALTER")) {
            alterColumn(a);
        } else if (a.accept("DROP") && !a.accept("CONSTRAINT")) {
            risk(LintRule.DROP_COLUMN);
        }
        return LockMode.ACCESS_EXCLUSIVE;
    }

    private void alterColumn(TokenCursor a) {
        a.accept("COLUMN");
        Optional<RelationName> column = a.name();
        if (a.accept("SET", "DATA", "TYPE") || a.accept("TYPE")) {
            risk(LintRule.COLUMN_TYPE_CHANGE);
        } else if (a.accept("SET", "NOT", "NULL") && column.isPresent()) {
            lint.add(new Risk(LintRule.SET_NOT_NULL, table.text(), Optional.of(table.key()),
                    Optional.of(table.key() + "." + column.get().key())));
        }
    }

    private LockMode add(TokenCursor a) {
        Optional<RelationName> constraint = a.accept("CONSTRAINT") ? a.name() : Optional.empty();
        boolean named = constraint.isPresent();
        if (a.accept("PRIMARY", "KEY") || a.accept("UNIQUE") || a.accept("EXCLUDE")) {
            if (!a.restContains("USING", "INDEX")) {
                risk(LintRule.UNIQUE_WITHOUT_INDEX);
            }
        } else if (a.accept("FOREIGN", "KEY")) {
            if (!a.restContains("NOT", "VALID")) {
                risk(LintRule.FOREIGN_KEY_WITHOUT_NOT_VALID);
            }
            return LockMode.SHARE_ROW_EXCLUSIVE;
        } else if (a.accept("CHECK")) {
            TokenCursor expression = a.parenthesized();
            if (!a.restContains("NOT", "VALID")) {
                risk(LintRule.CHECK_WITHOUT_NOT_VALID);
            } else if (named) {
                isNotNull(expression).ifPresent(column -> lint.add(new AddsNotNullCheck(constraint.get().key(),
                        table.key() + "." + column)));
            }
        } else if (a.accept("NOT", "NULL")) {
            // PostgreSQL 18's ADD [CONSTRAINT name] NOT NULL column: SET NOT NULL's scan, unless NOT VALID.
            Optional<RelationName> column = a.name();
            if (column.isPresent() && !a.restContains("NOT", "VALID")) {
                lint.add(new Risk(LintRule.SET_NOT_NULL, table.text(), Optional.of(table.key()),
                        Optional.of(table.key() + "." + column.get().key())));
            }
        } else if (!named) {
            addColumn(a);
        }
        return LockMode.ACCESS_EXCLUSIVE;
    }

    /** The column of an expression {@code column IS NOT NULL}, if it is exactly that. */
    private static Optional<String> isNotNull(TokenCursor expression) {
        Tokens tokens = expression.tokens();
        int at = expression.position();
        if (expression.remaining() == 4 && tokens.isIdentifier(at) && tokens.isWord(at + 1, "IS")
                && tokens.isWord(at + 2, "NOT") && tokens.isWord(at + 3, "NULL")) {
            return Optional.of(tokens.identifier(at));
        }
        return Optional.empty();
    }

    private void addColumn(TokenCursor a) {
        a.accept("COLUMN");
        a.accept("IF", "NOT", "EXISTS");
        if (a.name().isEmpty()) {
            return;
        }
        Tokens tokens = a.tokens();
        int from = a.position();
        int to = a.end();
        boolean rewrites = from < to && SERIAL_TYPES.contains(tokens.upper(from));
        boolean afterDefault = false;
        boolean references = false;
        boolean unique = false;
        boolean check = false;
        for (int i = from; i < to; i++) {
            afterDefault |= tokens.isWord(i, "DEFAULT");
            if (tokens.isWord(i, "GENERATED")) {
                rewrites = true; // identity values, or a stored expression, are written into every row
            } else if (afterDefault && VOLATILE_FUNCTIONS.contains(tokens.upper(i)) && tokens.isPunctuation(i + 1, '(')) {
                rewrites = true;
            }
            references |= tokens.isWord(i, "REFERENCES");
            unique |= tokens.isWord(i, "PRIMARY") || tokens.isWord(i, "UNIQUE");
            check |= tokens.isWord(i, "CHECK");
        }
        if (rewrites) {
            risk(LintRule.VOLATILE_DEFAULT);
        }
        if (references) {
            risk(LintRule.FOREIGN_KEY_WITHOUT_NOT_VALID);
        }
        if (unique) {
            risk(LintRule.UNIQUE_WITHOUT_INDEX);
        }
        if (check) {
            risk(LintRule.CHECK_WITHOUT_NOT_VALID);
        }
    }

    private void risk(LintRule rule) {
        lint.add(Risk.on(rule, table));
    }
}
