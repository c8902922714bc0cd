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
 *     ({@link PartWay#resumable()}), or a {@code SET}/{@code RESET}
 */
public record FileFacts(Optional<String> outsideTransaction, int statementCount, SessionEffects sessionEffects,
        Set<LintRule> lintIgnored, List<LintedStatement> lint, boolean resumable) {

    /** The reason a file that says {@code -- lockstep:transaction=false} gives. */
    static final String DIRECTIVE = "-- lockstep:transaction=false";

    public FileFacts {
        lintIgnored = Set.copyOf(lintIgnored);
        lint = List.copyOf(lint);
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
        while (splitter.hasNext()) {
            SqlStatement statement = splitter.next();
            each.accept(statement);
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
        if (count == 0) {
            throw FileProblem.noStatement("the file holds no SQL statement; delete it, or write the statement it "
                    + "was meant to hold");
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
        return new FileFacts(outside, count, session.effects(), directives.lintIgnored(), lint,
                !transactional && resumable);
    }
}
