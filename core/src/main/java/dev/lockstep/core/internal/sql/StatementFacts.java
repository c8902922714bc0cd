package dev.lockstep.core.internal.sql;

import java.util.List;
import java.util.Optional;

/**
 * Everything Lockstep decides about one statement, read once from its tokens by
 * {@link StatementAnalyzer}. The loader, the applier, the session restore and the lint all read
 * these facts; none of them looks at the statement's text again. Comments, case, white space and
 * quoting that do not change the statement do not change its facts.
 *
 * @param keywords its leading bare words, upper-cased (at most {@value StatementAnalyzer#KEYWORDS_KEPT}),
 *     to name it in messages, e.g. {@code [START, TRANSACTION]}
 * @param outsideTransaction why PostgreSQL refuses to run it inside a transaction block, e.g.
 *     {@code CREATE INDEX CONCURRENTLY}; empty when it can run in one
 * @param withoutLockTimeout why it runs without Lockstep's {@code lock_timeout}: its waits hold up no
 *     query, and cancelling it half-way would do harm (an INVALID index); empty for every other statement
 * @param lock the table lock it takes, where the statement shows it
 * @param session what it changes in the session
 * @param transactionControl whether it opens or ends a transaction
 * @param lint what it tells the lint, in order
 * @param copiesFromStdin whether it is {@code COPY ... FROM stdin}, whose rows follow it in the file
 * @param partWay what it leaves when stopped half-way, for a statement that commits in steps of its own
 *     (the concurrent index commands, {@code VACUUM}) or may commit inside ({@code DO}, {@code CALL});
 *     empty when a failure undoes all of it
 * @param changes for {@code ALTER TABLE}: what each of its actions changes, in order; empty for any other statement
 */
public record StatementFacts(List<String> keywords, Optional<String> outsideTransaction,
        Optional<String> withoutLockTimeout, Optional<LockTaken> lock, SessionEffects session,
        TransactionControl transactionControl, List<LintEvent> lint, boolean copiesFromStdin,
        Optional<PartWay> partWay, List<TableChange> changes) {

    public StatementFacts {
        keywords = List.copyOf(keywords);
        lint = List.copyOf(lint);
        changes = List.copyOf(changes);
    }

    /**
     * Whether running it changes nothing that outlives the session: {@code SET}, {@code RESET}, or
     * {@code BEGIN} (a transaction opened changes nothing by itself).
     */
    public boolean changesOnlyTheSession() {
        return !keywords.isEmpty() && (keywords.get(0).equals("SET") || keywords.get(0).equals("RESET"))
                || transactionControl == TransactionControl.OPENS;
    }

    /** Its leading words as one string, e.g. {@code START TRANSACTION}. */
    public String leadingWords() {
        return String.join(" ", keywords);
    }
}
