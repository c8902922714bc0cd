package dev.lockstep.core;

import java.util.List;

/**
 * What {@link Lockstep#migrate()} would do now, found without writing anything and without the
 * lock: each pending migration in the order it would run, with its statements and the lint's
 * findings.
 *
 * @param tracker the tracker table, {@code schema.table}
 * @param alreadyApplied migrations the tracker records
 * @param pending what would run, in order
 * @param findings risky statements among them ({@link MigrationLint}), whether or not their table exists yet
 */
public record MigrationPreview(String tracker, int alreadyApplied, List<Pending> pending, List<LintFinding> findings) {

    /** Statements shown per migration; the rest are counted. */
    public static final int STATEMENTS_SHOWN = 50;

    public MigrationPreview {
        pending = List.copyOf(pending);
        findings = List.copyOf(findings);
    }

    /**
     * One migration that would run.
     *
     * @param statements its first {@value MigrationPreview#STATEMENTS_SHOWN} statements, each on one line
     *     and shortened, with the line it starts on
     * @param statementCount all its statements
     */
    public record Pending(String file, boolean transactional, boolean outOfOrder, List<String> statements,
            int statementCount) {

        public Pending {
            statements = List.copyOf(statements);
        }
    }

    /** The preview as a report for a log or a terminal. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (pending.isEmpty()) {
            return s.append("Nothing would run: ").append(alreadyApplied).append(" migration(s) applied in ")
                    .append(tracker).append(", none pending.").toString();
        }
        s.append(pending.size()).append(" migration(s) would run on ").append(tracker).append(" (")
                .append(alreadyApplied).append(" applied); nothing was written:\n");
        int index = 1;
        for (Pending p : pending) {
            s.append("\n").append(index++).append(". ").append(p.file()).append(" (")
                    .append(p.transactional() ? "in a transaction" : "outside a transaction, statement by statement")
                    .append(p.outOfOrder() ? ", out of order" : "").append(")\n");
            p.statements().forEach(statement -> s.append("   ").append(statement).append('\n'));
            if (p.statementCount() > p.statements().size()) {
                s.append("   ... and ").append(p.statementCount() - p.statements().size()).append(" more statement(s)\n");
            }
        }
        if (!findings.isEmpty()) {
            s.append("\nLint: ").append(findings.size()).append(" risky statement(s):\n");
            findings.forEach(f -> s.append("\n").append(f.describe()).append('\n'));
        }
        return s.toString();
    }
}
