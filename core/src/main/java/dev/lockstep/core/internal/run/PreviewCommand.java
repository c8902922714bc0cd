package dev.lockstep.core.internal.run;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationPreview;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.lint.LintCheck;
import dev.lockstep.core.internal.plan.MigrationPlan;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code lockstep.mode=preview}: what migrate would run now, in order, with each migration's
 * statements and the lint's findings, found without the lock and without writing anything.
 */
public final class PreviewCommand {

    private static final int STATEMENT_LENGTH = 200;

    private final Engine engine;

    public PreviewCommand(Engine engine) {
        this.engine = engine;
    }

    /** @throws dev.lockstep.core.LockstepException when the tracker does not match the files, as migrate would */
    public MigrationPreview run() {
        long started = System.nanoTime();
        try {
            MigrationPreview preview = preview();
            engine.listeners().previewFinished(preview);
            return preview;
        } catch (LockstepException e) {
            engine.listeners().runFailed(e, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
    }

    private MigrationPreview preview() {
        List<LoadedMigration> onDisk = engine.scan();
        TrackerView view = TrackerView.read(engine, onDisk);
        MigrationPlan plan = view.plan(engine, onDisk);
        List<MigrationPreview.Pending> pending = new ArrayList<>();
        for (LoadedMigration migration : plan.pending()) {
            List<String> statements = new ArrayList<>();
            int count = 0;
            for (Iterator<SqlStatement> it = migration.openStatements(); it.hasNext();) {
                SqlStatement statement = it.next();
                if (count++ < MigrationPreview.STATEMENTS_SHOWN) {
                    statements.add("line " + statement.line() + ": " + statement.oneLine(STATEMENT_LENGTH));
                }
            }
            pending.add(new MigrationPreview.Pending(migration.file(), migration.transactional(),
                    plan.outOfOrder().contains(migration), statements, count));
        }
        return new MigrationPreview(view.tracker().displayName(), plan.alreadyApplied(), pending,
                LintCheck.findings(onDisk, Set.copyOf(plan.pending())::contains));
    }
}
