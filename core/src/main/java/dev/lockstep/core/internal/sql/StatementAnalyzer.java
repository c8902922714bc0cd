package dev.lockstep.core.internal.sql;

import dev.lockstep.core.LintRule;
import dev.lockstep.core.internal.sql.LintEvent.Creates;
import dev.lockstep.core.internal.sql.LintEvent.Risk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one analysis of a statement: reads its tokens once, by the shape of the command (not by
 * words found anywhere in it), and returns its {@link StatementFacts}. What it recognises:
 * <ul>
 *   <li>statements PostgreSQL refuses inside a transaction block: {@code CREATE/DROP INDEX
 *       CONCURRENTLY}, {@code REINDEX ... CONCURRENTLY} (as a keyword or an option),
 *       {@code REINDEX SCHEMA/DATABASE/SYSTEM}, {@code CLUSTER} without a table, {@code VACUUM},
 *       {@code ALTER SYSTEM}, {@code CREATE/DROP DATABASE/TABLESPACE/SUBSCRIPTION},
 *       {@code ALTER DATABASE ... SET TABLESPACE}, {@code DETACH PARTITION ... CONCURRENTLY/FINALIZE},
 *       {@code COMMIT/ROLLBACK PREPARED};</li>
 *   <li>statements that run without the DDL {@code lock_timeout}: the concurrent forms, whose locks
 *       let the table's queries through and whose builds wait for older transactions by design,
 *       and plain {@code VACUUM} and {@code ANALYZE} ({@code VACUUM FULL} is not one of them);</li>
 *   <li>the table lock a DDL statement takes; transaction control; {@code COPY ... FROM stdin};</li>
 *   <li>what a statement that commits in steps leaves when stopped half-way ({@link PartWay}): every
 *       statement refused in a transaction block, and {@code DO} and {@code CALL};</li>
 *   <li>session changes ({@link SessionEffectsReader}) and the lint's events ({@link AlterTableReader}
 *       for {@code ALTER TABLE}).</li>
 * </ul>
 */
public final class StatementAnalyzer {

    /** How many leading words {@link StatementFacts#keywords()} keeps. */
    static final int KEYWORDS_KEPT = 8;
    private static final Set<String> FALSE_WORDS = Set.of("FALSE", "OFF");
    private static final Set<String> REINDEX_TARGETS = Set.of("INDEX", "TABLE", "SCHEMA", "DATABASE", "SYSTEM");

    private final Tokens tokens;
    private final TokenCursor c;
    private Optional<String> outsideTransaction = Optional.empty();
    private Optional<String> withoutLockTimeout = Optional.empty();
    private Optional<LockTaken> lock = Optional.empty();
    private TransactionControl transactionControl = TransactionControl.NONE;
    private final List<LintEvent> lint = new ArrayList<>();
    private final List<TableChange> changes = new ArrayList<>();
    private boolean copiesFromStdin;
    private Optional<PartWay> partWay = Optional.empty();

    private StatementAnalyzer(Tokens tokens) {
        this.tokens = tokens;
        this.c = new TokenCursor(tokens);
    }

    /** The facts of one statement's tokens (comments left out, no terminating semicolon). */
    static StatementFacts analyze(Tokens tokens) {
        return new StatementAnalyzer(tokens).read();
    }

    /** The facts of one statement written as SQL text. */
    public static StatementFacts analyze(String statement) {
        return analyze(Tokens.of(statement));
    }

    private StatementFacts read() {
        String first = c.peekWord();
        switch (first) {
            case "CREATE" -> create();
            case "DROP" -> drop();
            case "REINDEX" -> reindex();
            case "VACUUM" -> vacuum();
            case "ANALYZE", "ANALYSE" -> analyzeCommand();
            case "CLUSTER" -> cluster();
            case "REFRESH" -> refresh();
            case "LOCK" -> lockTable();
            case "ALTER" -> alter();
            case "BEGIN" -> transactionControl = TransactionControl.OPENS;
            case "START" -> transactionControl = tokens.isWord(1, "TRANSACTION") ? TransactionControl.OPENS
                    : TransactionControl.NONE;
            case "COMMIT", "END", "ROLLBACK", "ABORT" -> endTransaction();
            case "PREPARE" -> transactionControl = tokens.isWord(1, "TRANSACTION") ? TransactionControl.ENDS
                    : TransactionControl.NONE;
            case "COPY" -> copiesFromStdin = containsWords("FROM", "STDIN");
            case "DO", "CALL" -> partWay = Optional.of(PartWay.of(PartWay.Kind.COMMITS_INSIDE));
            default -> {
                // Everything else: no facts beyond the session's and the keywords.
            }
        }
        boolean setsTakeEffect = first.equals("SET") || first.equals("RESET") || first.equals("DO");
        return new StatementFacts(keywords(), outsideTransaction, withoutLockTimeout, lock,
                SessionEffectsReader.read(tokens, setsTakeEffect), transactionControl, lint, copiesFromStdin, partWay,
                changes);
    }

    private List<String> keywords() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < tokens.size() && words.size() < KEYWORDS_KEPT && tokens.kind(i) == TokenKind.WORD; i++) {
            words.add(tokens.upper(i));
        }
        return words;
    }

    /** PostgreSQL refuses it in a transaction block, because it commits in steps of its own. */
    private void outside(String reason) {
        outsideTransaction = Optional.of(reason);
        if (partWay.isEmpty()) {
            partWay = Optional.of(PartWay.of(PartWay.Kind.IN_STEPS));
        }
    }

    private void partWay(PartWay.Kind kind, Optional<RelationName> index, Optional<RelationName> table) {
        partWay = Optional.of(new PartWay(kind, index, table));
    }

    private void exempt(String reason) {
        withoutLockTimeout = Optional.of(reason);
    }

    private void locks(Optional<RelationName> relation, LockMode mode) {
        relation.ifPresent(name -> lock = Optional.of(new LockTaken(name.text(), mode)));
    }

    private void create() {
        c.accept("CREATE");
        c.accept("OR", "REPLACE");
        c.accept("UNIQUE");
        if (c.accept("INDEX")) {
            createIndex();
            return;
        }
        for (String object : List.of("DATABASE", "TABLESPACE", "SUBSCRIPTION")) {
            if (c.accept(object)) {
                outside("CREATE " + object);
                return;
            }
        }
        while (c.accept("GLOBAL") || c.accept("LOCAL") || c.accept("TEMP") || c.accept("TEMPORARY")
                || c.accept("UNLOGGED") || c.accept("RECURSIVE")) {
            // qualifiers of CREATE TABLE and CREATE VIEW
        }
        if (c.accept("TABLE") || c.accept("MATERIALIZED", "VIEW") || c.accept("VIEW") || c.accept("SEQUENCE")) {
            c.accept("IF", "NOT", "EXISTS");
            c.name().ifPresent(name -> lint.add(new Creates(name.key())));
        }
    }

    private void createIndex() {
        boolean concurrently = c.accept("CONCURRENTLY");
        if (concurrently) {
            outside("CREATE INDEX CONCURRENTLY");
            exempt("CREATE INDEX CONCURRENTLY");
        }
        c.accept("IF", "NOT", "EXISTS");
        Optional<RelationName> index = c.peek("ON") ? Optional.empty() : c.name();
        if (!c.accept("ON")) {
            return;
        }
        c.accept("ONLY");
        Optional<RelationName> table = c.name();
        if (concurrently) {
            partWay(PartWay.Kind.BUILDS_INDEX, index, table);
        }
        index.ifPresent(name -> lint.add(new Creates(name.key())));
        locks(table, concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE);
        if (!concurrently) {
            table.ifPresent(name -> lint.add(Risk.on(LintRule.INDEX_NOT_CONCURRENT, name)));
        }
    }

    private void drop() {
        c.accept("DROP");
        if (c.accept("INDEX")) {
            boolean concurrently = c.accept("CONCURRENTLY");
            if (concurrently) {
                outside("DROP INDEX CONCURRENTLY");
                exempt("DROP INDEX CONCURRENTLY");
            }
            c.accept("IF", "EXISTS");
            Optional<RelationName> index = c.name();
            if (concurrently) {
                partWay(PartWay.Kind.DROPS_INDEX, index, Optional.empty());
            }
            locks(index, concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE);
            if (!concurrently) {
                index.ifPresent(name -> lint.add(Risk.on(LintRule.DROP_INDEX_NOT_CONCURRENT, name)));
            }
            return;
        }
        for (String object : List.of("DATABASE", "TABLESPACE", "SUBSCRIPTION")) {
            if (c.accept(object)) {
                outside("DROP " + object);
                return;
            }
        }
        boolean table = c.accept("TABLE");
        if (table || c.accept("MATERIALIZED", "VIEW") || c.accept("VIEW")) {
            c.accept("IF", "EXISTS");
            Optional<RelationName> relation = c.name();
            locks(relation, LockMode.ACCESS_EXCLUSIVE);
            if (table) {
                relation.ifPresent(name -> lint.add(Risk.on(LintRule.DROP_TABLE, name)));
            }
        }
    }

    /** {@code REINDEX [ ( option [value] [, ...] ) ] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] [name]}. */
    private void reindex() {
        c.accept("REINDEX");
        boolean concurrently = enabledOption(c.parenthesized(), "CONCURRENTLY");
        c.accept("VERBOSE");
        String target = c.peekWord();
        if (!REINDEX_TARGETS.contains(target)) {
            return;
        }
        c.skip();
        concurrently |= c.accept("CONCURRENTLY");
        Optional<RelationName> name = c.name();
        if (concurrently) {
            outside("REINDEX CONCURRENTLY");
            exempt("REINDEX CONCURRENTLY");
            partWay(PartWay.Kind.REINDEXES, target.equals("INDEX") ? name : Optional.empty(),
                    target.equals("TABLE") ? name : Optional.empty());
        } else if (!target.equals("INDEX") && !target.equals("TABLE")) {
            // Each table in its own transaction.
            outside("REINDEX " + target);
        }
        if (target.equals("INDEX") || target.equals("TABLE")) {
            locks(name, concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE
                    : target.equals("INDEX") ? LockMode.ACCESS_EXCLUSIVE : LockMode.SHARE);
        }
        if (!concurrently) {
            lint.add(name.map(n -> Risk.on(LintRule.REINDEX_NOT_CONCURRENT, n)).orElse(
                    new Risk(LintRule.REINDEX_NOT_CONCURRENT, "the database", Optional.empty(), Optional.empty())));
        }
    }

    /** {@code VACUUM [ ( option [value] [, ...] ) ] [FULL] [FREEZE] [VERBOSE] [ANALYZE] [table [, ...]]}. */
    private void vacuum() {
        c.accept("VACUUM");
        boolean full = enabledOption(c.parenthesized(), "FULL");
        while (true) {
            if (c.accept("FULL")) {
                full = true;
            } else if (!(c.accept("FREEZE") || c.accept("VERBOSE") || c.accept("ANALYZE") || c.accept("ANALYSE"))) {
                break;
            }
        }
        outside("VACUUM");
        Optional<RelationName> table = c.name();
        partWay(PartWay.Kind.VACUUMS, Optional.empty(), table);
        locks(table, full ? LockMode.ACCESS_EXCLUSIVE : LockMode.SHARE_UPDATE_EXCLUSIVE);
        if (full) {
            lint.add(table.map(t -> Risk.on(LintRule.VACUUM_FULL, t))
                    .orElse(new Risk(LintRule.VACUUM_FULL, "every table", Optional.empty(), Optional.empty())));
        } else {
            exempt("VACUUM");
        }
    }

    private void analyzeCommand() {
        c.skip();
        c.parenthesized();
        c.accept("VERBOSE");
        locks(c.name(), LockMode.SHARE_UPDATE_EXCLUSIVE);
        exempt("ANALYZE");
    }

    /** {@code CLUSTER [ ( option [, ...] ) ] [VERBOSE] [table [USING index]]}; without a table, every clustered table. */
    private void cluster() {
        c.accept("CLUSTER");
        c.parenthesized();
        c.accept("VERBOSE");
        Optional<RelationName> table = c.name();
        if (table.isEmpty()) {
            outside("CLUSTER without a table");
        }
        locks(table, LockMode.ACCESS_EXCLUSIVE);
        lint.add(table.map(t -> Risk.on(LintRule.CLUSTER, t)).orElse(
                new Risk(LintRule.CLUSTER, "every clustered table", Optional.empty(), Optional.empty())));
    }

    private void refresh() {
        if (!c.accept("REFRESH", "MATERIALIZED", "VIEW")) {
            return;
        }
        boolean concurrently = c.accept("CONCURRENTLY");
        Optional<RelationName> view = c.name();
        // CONCURRENTLY takes EXCLUSIVE: reads go on, and a materialized view takes no writes.
        locks(view, concurrently ? LockMode.EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE);
        if (concurrently) {
            exempt("REFRESH MATERIALIZED VIEW CONCURRENTLY");
        } else {
            view.ifPresent(name -> lint.add(Risk.on(LintRule.REFRESH_NOT_CONCURRENT, name)));
        }
    }

    /** {@code LOCK [TABLE] [ONLY] name [*] [, ...] [IN mode MODE] [NOWAIT]}. */
    private void lockTable() {
        c.accept("LOCK");
        c.accept("TABLE");
        c.accept("ONLY");
        Optional<RelationName> table = c.name();
        locks(table, requestedLockMode());
        table.ifPresent(name -> lint.add(Risk.on(LintRule.LOCK_TABLE, name)));
    }

    private LockMode requestedLockMode() {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.isWord(i, "IN")) {
                StringBuilder mode = new StringBuilder();
                for (int j = i + 1; j < tokens.size() && !tokens.isWord(j, "MODE"); j++) {
                    mode.append(mode.length() == 0 ? "" : " ").append(tokens.upper(j));
                }
                for (LockMode candidate : LockMode.values()) {
                    if (candidate.sqlName().contentEquals(mode)) {
                        return candidate;
                    }
                }
            }
        }
        return LockMode.ACCESS_EXCLUSIVE;
    }

    private void alter() {
        c.accept("ALTER");
        if (c.accept("SYSTEM")) {
            outside("ALTER SYSTEM");
        } else if (c.accept("DATABASE")) {
            c.name();
            if (c.accept("SET", "TABLESPACE")) {
                outside("ALTER DATABASE ... SET TABLESPACE");
            }
        } else if (c.accept("TABLE")) {
            AlterTableReader.Result result = AlterTableReader.read(c);
            result.lock().ifPresent(taken -> lock = Optional.of(taken));
            lint.addAll(result.lint());
            changes.addAll(result.changes());
            if (result.detachesConcurrently()) {
                outside("ALTER TABLE ... DETACH PARTITION CONCURRENTLY");
                exempt("DETACH PARTITION CONCURRENTLY");
                partWay(PartWay.Kind.DETACHES, Optional.empty(), result.table());
            }
        }
    }

    private void endTransaction() {
        if (tokens.isWord(0, "ROLLBACK") && tokens.isWord(1, "TO")) {
            return; // to a savepoint: the transaction goes on
        }
        if (tokens.isWord(1, "PREPARED")) {
            outside(tokens.upper(0) + " PREPARED");
            return;
        }
        boolean chain = false;
        for (int i = 1; i < tokens.size(); i++) {
            chain |= tokens.isWord(i, "CHAIN") && tokens.isWord(i - 1, "AND");
        }
        transactionControl = chain ? TransactionControl.ENDS_AND_OPENS : TransactionControl.ENDS;
    }

    private boolean containsWords(String first, String second) {
        for (int i = 1; i < tokens.size(); i++) {
            if (tokens.isWord(i - 1, first) && tokens.isWord(i, second)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a parenthesized option list ({@code (VERBOSE, CONCURRENTLY false)}) turns this option
     * on: named, and not followed by {@code false}, {@code off} or {@code 0}.
     */
    static boolean enabledOption(TokenCursor options, String option) {
        boolean enabled = false;
        for (TokenCursor each : options.restByTopLevelCommas()) {
            if (each.accept(option)) {
                String value = each.peekWord();
                boolean off = FALSE_WORDS.contains(value)
                        || !each.atEnd() && each.tokens().kind(each.position()) == TokenKind.NUMBER
                        && each.tokens().text(each.position()).equals("0");
                enabled = !off;
            }
        }
        return enabled;
    }
}
