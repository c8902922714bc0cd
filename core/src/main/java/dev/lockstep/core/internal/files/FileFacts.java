package dev.lockstep.core.internal.files;

import dev.lockstep.core.LintRule;
import dev.lockstep.core.internal.sql.FileProblem;
import dev.lockstep.core.internal.sql.LintedStatement;
import dev.lockstep.core.internal.sql.PartWay;
import dev.lockstep.core.internal.sql.SessionEffects;
import dev.lockstep.core.internal.sql.SqlSplitter;
import dev.lockstep.core.internal.sql.SqlStatement;
import dev.lockstep.core.internal.sql.StatementFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A migration file's facts, gathered from its statements' facts in one pass over its text before
 * any connection: how many statements it has, whether it runs in a transaction, what it changes in
 * the session, and what the lint needs. Fails naming the line for what cannot work: a statement
 * that cannot run where the file says it runs, a transaction statement inside Lockstep's
 * transaction, a transaction the file opens and never ends.
 *
 * @param outsideTransaction why it runs outside a transaction: the first statement that needs it
 *     ({@code CREATE INDEX CONCURRENTLY}), or the directive; empty when it runs in one
 * @param lint the statements that tell the lint something, in order
 * @param resumable whether, interrupted, it may be finished by the next start on its own: every
 *     statement is a concurrent index build that names its index or a concurrent index drop
 *     ({@link PartWay#resumable()}), or a {@code SET}/{@code RESET}; or it is an expand/contract
 *     migration whose work after its expand (a backfill, a unique index) was interrupted
 * @param batched the background job the file declares ({@code -- lockstep:batched}): its statement
 *     runs per batch, after the start, not when the migration is applied
 * @param requiresFinished the versions of batched migrations whose jobs must be finished before it runs
 * @param expandContract what an expand/contract migration ({@code -- lockstep:expand-contract}) changes:
 *     its statements are expanded and later contracted, never run as written
 */
public record FileFacts(Optional<String> outsideTransaction, int statementCount, SessionEffects sessionEffects,
        Set<LintRule> lintIgnored, List<LintedStatement> lint, boolean resumable, Optional<Batched> batched,
        List<String> requiresFinished, Optional<ExpandContract> expandContract) {

    /** The reason a file that says {@code -- lockstep:transaction=false} gives. */
    static final String DIRECTIVE = "-- lockstep:transaction=false";

    public FileFacts {
        lintIgnored = Set.copyOf(lintIgnored);
        lint = List.copyOf(lint);
        requiresFinished = List.copyOf(requiresFinished);
    }

    /** Whether it runs in one transaction together with its tracker row. */
    public boolean transactional() {
        return outsideTransaction.isEmpty();
    }

    /** @throws FileProblem naming the line */
    public static FileFacts of(String text) {
        return of(text, statement -> { });
    }

    /**
     * The facts, handing each statement to {@code each} as it is read, so that a caller who keeps
     * them runs what was analysed, without reading the text a second time.
     *
     * @throws FileProblem naming the line
     */
    static FileFacts of(String text, Consumer<SqlStatement> each) {
        Directives directives = new Directives();
        SqlSplitter splitter = new SqlSplitter(text, directives::found);
        SessionEffects.Collector session = new SessionEffects.Collector();
        List<LintedStatement> lint = new ArrayList<>();
        int count = 0;
        SqlStatement needsAutocommit = null;
        SqlStatement transactionControl = null;
        SqlStatement openedBy = null;
        boolean resumable = true;
        SqlStatement first = null;
        SqlStatement batchPlaceholder = null;
        List<SqlStatement> all = new ArrayList<>();
        while (splitter.hasNext()) {
            SqlStatement statement = splitter.next();
            each.accept(statement);
            if (directives.expandContractLine() > 0) {
                all.add(statement);
            }
            first = first == null ? statement : first;
            if (batchPlaceholder == null && statement.text().contains("${" + Batched.RESERVED_PREFIX)) {
                batchPlaceholder = statement;
            }
            StatementFacts facts = statement.facts();
            count++;
            session.add(facts.session());
            LintedStatement.of(statement).ifPresent(lint::add);
            resumable &= facts.partWay().map(PartWay::resumable).orElse(facts.changesOnlyTheSession());
            if (needsAutocommit == null && facts.outsideTransaction().isPresent()) {
                needsAutocommit = statement;
            }
            if (facts.transactionControl().controlsTransactions()) {
                transactionControl = transactionControl == null ? statement : transactionControl;
                openedBy = facts.transactionControl().leavesOpen() ? statement : null;
            }
        }
        Optional<Batched> batched = directives.batched();
        if (batched.isPresent()) {
            checkBatched(batched.get(), directives, count, first, needsAutocommit, transactionControl);
        } else if (batchPlaceholder != null) {
            throw new FileProblem(batchPlaceholder.line(), Batched.FROM + " and " + Batched.TO + " are filled only in a "
                    + "batched migration; add '-- lockstep:batched table=<table> key=<integer key column>' as the first "
                    + "line, or remove them");
        }
        if (count == 0 && batched.isEmpty()) {
            throw FileProblem.noStatement("the file holds no SQL statement; delete it, or write the statement it "
                    + "was meant to hold");
        }
        Optional<ExpandContract> expandContract = Optional.empty();
        if (directives.expandContractLine() > 0) {
            if (batched.isPresent() || directives.transaction().isPresent()) {
                throw new FileProblem(directives.expandContractLine(), "an expand/contract migration is expanded in "
                        + "one transaction and contracted later; it cannot also be "
                        + (batched.isPresent() ? "batched" : "given '-- lockstep:transaction='") + ". Remove that directive");
            }
            expandContract = Optional.of(ExpandContractReading.of(all, directives));
        } else if (!directives.typeBack().isEmpty()) {
            throw new FileProblem(directives.typeBackLines().values().iterator().next(), "'-- lockstep:type-back' "
                    + "is read only in an expand/contract migration; add '-- lockstep:expand-contract' as the first "
                    + "line, or remove it");
        }
        Optional<Boolean> forced = directives.transaction();
        boolean transactional = forced.orElse(needsAutocommit == null);
        if (transactional && needsAutocommit != null) {
            throw new FileProblem(needsAutocommit.line(), needsAutocommit.facts().outsideTransaction().get()
                    + " cannot run inside a transaction, but the file says '-- lockstep:transaction=true'; remove "
                    + "that directive");
        }
        if (transactional && transactionControl != null) {
            throw new FileProblem(transactionControl.line(), "'" + transactionControl.facts().keywords().get(0)
                    + "' would end the transaction Lockstep runs this migration in, together with its tracker row; "
                    + "remove it, or add '-- lockstep:transaction=false' as the first line to manage transactions "
                    + "yourself");
        }
        if (!transactional && openedBy != null) {
            throw new FileProblem(openedBy.line(), "'" + openedBy.facts().leadingWords() + "' opens a transaction "
                    + "that the file never ends, so its work would be rolled back when the connection goes back to "
                    + "the pool; end it with COMMIT");
        }
        Optional<String> outside = transactional ? Optional.empty()
                : Optional.of(needsAutocommit != null ? needsAutocommit.facts().outsideTransaction().get() : DIRECTIVE);
        // An expand/contract migration's statements never run as written: what the lint warns of is what it avoids.
        return new FileFacts(outside, count, session.effects(), directives.lintIgnored(),
                expandContract.isPresent() ? List.of() : lint,
                !transactional && resumable || expandContract.map(ExpandContract::finishesAfterCommit).orElse(false),
                batched, directives.requiresFinished(), expandContract);
    }

    /**
     * A batched migration's one statement runs per batch in a transaction of its own, with the job's
     * progress: it holds {@link Batched#FROM} and {@link Batched#TO}, needs no autocommit and ends no
     * transaction. With {@code class=} the class does each batch and the file holds no statement.
     */
    private static void checkBatched(Batched batched, Directives directives, int count, SqlStatement first,
            SqlStatement needsAutocommit, SqlStatement transactionControl) {
        int line = directives.batchedLine();
        if (batched.javaClass().isPresent()) {
            if (count > 0) {
                throw new FileProblem(first.line(), "a batched migration with class=" + batched.javaClass().get()
                        + " holds no statement: the class does each batch; remove the statement, or the class=");
            }
            return;
        }
        if (count != 1) {
            throw new FileProblem(count == 0 ? line : first.line(), "a batched migration holds exactly one statement, "
                    + "run once per batch; this file holds " + count + ". Put the others in a migration of their own");
        }
        if (directives.transaction().equals(Optional.of(false)) || needsAutocommit != null || transactionControl != null) {
            throw new FileProblem(first.line(), "a batched migration's statement runs in one transaction per batch, "
                    + "together with the job's progress; " + (needsAutocommit != null
                            ? needsAutocommit.facts().outsideTransaction().get() + " cannot"
                            : "it cannot run outside one or control transactions") + ". Remove '-- lockstep:batched', "
                    + "or write a statement that runs in a transaction");
        }
        String text = first.text();
        if (!text.contains(Batched.FROM) || !text.contains(Batched.TO)) {
            throw new FileProblem(first.line(), "a batched migration's statement restricts itself to one batch of "
                    + batched.key() + " with " + Batched.FROM + " (inclusive) and " + Batched.TO + " (exclusive), e.g. "
                    + "'WHERE " + batched.key() + " >= " + Batched.FROM + " AND " + batched.key() + " < " + Batched.TO
                    + "'; this one lacks " + (text.contains(Batched.FROM) ? Batched.TO : Batched.FROM));
        }
    }
}
