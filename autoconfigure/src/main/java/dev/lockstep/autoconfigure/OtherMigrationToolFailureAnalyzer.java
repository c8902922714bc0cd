package dev.lockstep.autoconfigure;

import dev.lockstep.autoconfigure.OtherMigrationTools.OtherMigrationToolException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says which other migration tool was found beside Lockstep, and the ways to have one. */
class OtherMigrationToolFailureAnalyzer extends AbstractFailureAnalyzer<OtherMigrationToolException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, OtherMigrationToolException cause) {
        return new FailureAnalysis(cause.description(), cause.action(), cause);
    }
}
