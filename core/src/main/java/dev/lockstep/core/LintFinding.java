package dev.lockstep.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One risky statement in a migration file.
 *
 * @param file the migration's file, as Lockstep names it
 * @param version the migration's version
 * @param line the line the statement starts on
 * @param rule what is risky about it
 * @param relation the table (or index) it locks, as written in the statement
 * @param statement the statement, on one line and shortened
 */
public record LintFinding(String file, MigrationVersion version, int line, LintRule rule, String relation, String statement) {

    /**
     * The findings as one message, as the test assertion and the Maven plugin's lint goal give it:
     * how many, where, then each {@link #describe()}d.
     *
     * @param where the migrations checked, e.g. {@code [classpath:db/migrations] after version 42}
     */
    public static String report(List<LintFinding> findings, String where) {
        return findings.size() + " risky statement(s) in migrations " + where + ":\n\n"
                + findings.stream().map(LintFinding::describe).collect(Collectors.joining("\n\n"));
    }

    /** Several lines: where, what, why, the safe way, and how to accept it. */
    public String describe() {
        String head = file + ", line " + line + ": " + rule.id() + " on " + relation + "\n    " + statement
                + "\n    Why: " + rule.reason();
        if (rule.losesData()) {
            return head + ".\n    Safer: " + rule.safeAlternative() + ".\n    If losing that data on an undo is what "
                    + "you want, accept it: add '-- lockstep:lint-ignore=" + rule.id() + "' at the top of the down file.";
        }
        return head + " (lock: " + rule.lock() + ").\n    Safer: " + rule.safeAlternative()
                + ".\n    If the table is small or not yet in use, and the file is applied nowhere yet, accept it: add "
                + "'-- lockstep:lint-ignore=" + rule.id() + "' at the top of the file."
                + "\n    If it is already applied somewhere (an adopted history, a released file), do not edit it: its "
                + "checksum would change and every start would refuse it. Lint only the files after it: "
                + "lockstep.lint.after-version=" + version + " (in a test, LockstepLint's afterVersion("
                + (version.toString().contains(".") ? "\"" + version + "\"" : version) + ")).";
    }
}
