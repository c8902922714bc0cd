package dev.lockstep.core.internal.lint;

import dev.lockstep.core.LintFinding;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.sql.LintEvent;
import dev.lockstep.core.internal.sql.LintEvent.AddsNotNullCheck;
import dev.lockstep.core.internal.sql.LintEvent.Creates;
import dev.lockstep.core.internal.sql.LintEvent.Risk;
import dev.lockstep.core.internal.sql.LintEvent.Validates;
import dev.lockstep.core.internal.sql.LintedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the statements of migrations that are risky on a table that already has rows and traffic
 * ({@link dev.lockstep.core.LintRule}), from the events the statement analysis read when the files
 * were loaded: no file is read again. Migrations are taken in order, so what an earlier one did
 * counts: a {@code CHECK (c IS NOT NULL)} validated before makes a later {@code SET NOT NULL} safe.
 * A statement on a table (or index) created earlier in the same migration is never risky: nobody
 * uses it yet. Statements inside functions and {@code DO} blocks are not seen. A file's
 * {@code -- lockstep:lint-ignore=} takes its findings out.
 */
public final class LintCheck {

    /** NOT VALID checks of the form {@code column IS NOT NULL}: constraint name to {@code table.column}. */
    private final Map<String, String> notNullChecks = new HashMap<>();
    /** {@code table.column} with a validated {@code IS NOT NULL} check. */
    private final Set<String> validatedNotNull = new HashSet<>();

    private LintCheck() {
    }

    /**
     * The findings of the migrations {@code reported} picks, reading every migration before them
     * in order, so what earlier ones did counts.
     *
     * @param inOrder every migration on disk, in the order they run
     */
    public static List<LintFinding> findings(List<LoadedMigration> inOrder, Predicate<? super LoadedMigration> reported) {
        int last = -1;
        for (int i = 0; i < inOrder.size(); i++) {
            if (reported.test(inOrder.get(i))) {
                last = i;
            }
        }
        LintCheck lint = new LintCheck();
        List<LintFinding> findings = new ArrayList<>();
        for (LoadedMigration migration : inOrder.subList(0, last + 1)) {
            List<LintFinding> found = lint.check(migration);
            if (reported.test(migration)) {
                findings.addAll(found);
            }
        }
        return findings;
    }

    private List<LintFinding> check(LoadedMigration migration) {
        List<LintFinding> findings = new ArrayList<>();
        Set<String> created = new HashSet<>();
        for (LintedStatement statement : migration.facts().lint()) {
            for (LintEvent event : statement.events()) {
                if (event instanceof Risk risk) {
                    if (!risk.rule().losesData() && isRisky(risk, created)
                            && !migration.lintIgnored().contains(risk.rule())) {
                        findings.add(new LintFinding(migration.file(), migration.version(), statement.line(), risk.rule(),
                                risk.relation(), statement.statement()));
                    }
                } else if (event instanceof Creates creates) {
                    created.add(creates.relationKey());
                } else if (event instanceof AddsNotNullCheck check) {
                    notNullChecks.put(check.constraintKey(), check.tableColumn());
                } else if (event instanceof Validates validates && notNullChecks.containsKey(validates.constraintKey())) {
                    validatedNotNull.add(notNullChecks.get(validates.constraintKey()));
                }
            }
        }
        return findings;
    }

    /**
     * What the down files of {@code migrations} would lose if an undo ran them: each {@code DROP TABLE}
     * and {@code DROP COLUMN}, unless the down file accepts it with {@code -- lockstep:lint-ignore=}. A
     * down that undo refuses (comments only, or a file that cannot run) runs nothing to lose: the load
     * warned about it.
     */
    public static List<LintFinding> downFindings(List<LoadedMigration> migrations) {
        List<LintFinding> findings = new ArrayList<>();
        for (LoadedMigration migration : migrations) {
            migration.keptDown().ifPresent(down -> {
                for (LintedStatement statement : down.facts().lint()) {
                    for (LintEvent event : statement.events()) {
                        if (event instanceof Risk risk && risk.rule().losesData()
                                && !down.facts().lintIgnored().contains(risk.rule())) {
                            findings.add(new LintFinding(down.file(), migration.version(), statement.line(), risk.rule(),
                                    risk.relation(), statement.statement()));
                        }
                    }
                }
            });
        }
        return findings;
    }

    private boolean isRisky(Risk risk, Set<String> createdInThisMigration) {
        boolean newRelation = risk.relationKey().map(createdInThisMigration::contains).orElse(false);
        boolean validated = risk.unlessValidated().map(validatedNotNull::contains).orElse(false);
        return !newRelation && !validated;
    }
}
