package dev.lockstep.core;

import java.util.Optional;
import java.util.Set;

/**
 * What one pass over a migration's text finds out, before any connection: how many statements it
 * has, whether it runs in a transaction, what it changes in the session. Fails naming the line for
 * what cannot work: a statement that cannot run where the file says it runs, a transaction
 * statement inside Lockstep's transaction, a transaction the file opens and never ends.
 */
record FileAnalysis(boolean transactional, int statementCount, SessionState.Changes sessionChanges,
        Set<LintRule> lintIgnored) {

    /** @throws FileProblem naming the line */
    static FileAnalysis of(String text) {
        Directives directives = new Directives();
        SqlSplitter splitter = new SqlSplitter(text, directives::found);
        SessionState.Changes.Collector changes = new SessionState.Changes.Collector();
        int count = 0;
        SqlStatement needsAutocommit = null;
        String reason = null;
        SqlStatement transactionControl = null;
        SqlStatement openedBy = null;
        for (SqlStatement statement = splitter.next(); statement != null; statement = splitter.next()) {
            count++;
            changes.add(statement);
            if (needsAutocommit == null) {
                reason = TransactionRules.nonTransactionalReason(statement);
                needsAutocommit = reason != null ? statement : null;
            }
            if (TransactionRules.isTransactionControl(statement)) {
                transactionControl = transactionControl == null ? statement : transactionControl;
                openedBy = TransactionRules.opensTransaction(statement) ? statement : null;
            }
        }
        if (count == 0) {
            throw new FileProblem(0, "the file holds no SQL statement; delete it, or write the statement it "
                    + "was meant to hold");
        }
        Optional<Boolean> forced = directives.transaction();
        boolean transactional = forced.orElse(needsAutocommit == null);
        if (transactional && needsAutocommit != null) {
            throw new FileProblem(needsAutocommit.line(), reason + " cannot run inside a transaction, but the file "
                    + "says '-- lockstep:transaction=true'; remove that directive");
        }
        if (transactional && transactionControl != null) {
            throw new FileProblem(transactionControl.line(), "'" + transactionControl.words().get(0) + "' would end "
                    + "the transaction Lockstep runs this migration in, together with its tracker row; remove it, or "
                    + "add '-- lockstep:transaction=false' as the first line to manage transactions yourself");
        }
        if (!transactional && openedBy != null) {
            throw new FileProblem(openedBy.line(), "'" + String.join(" ", openedBy.words()) + "' opens a transaction "
                    + "that the file never ends, so its work would be rolled back when the connection goes back to "
                    + "the pool; end it with COMMIT");
        }
        return new FileAnalysis(transactional, count, changes.changes(), directives.lintIgnored());
    }
}
