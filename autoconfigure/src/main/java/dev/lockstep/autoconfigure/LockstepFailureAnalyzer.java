package dev.lockstep.autoconfigure;

import dev.lockstep.core.LockTimeoutException;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationFailedException;
import dev.lockstep.core.MigrationFileException;
import dev.lockstep.core.ValidationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a failed Lockstep startup into Spring Boot's "APPLICATION FAILED TO START" report. */
class LockstepFailureAnalyzer extends AbstractFailureAnalyzer<LockstepException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LockstepException cause) {
        String what = cause instanceof ValidationException
                ? "Lockstep found the database not migrated (lockstep.mode=validate):\n\n"
                : "Lockstep could not migrate the database:\n\n";
        return new FailureAnalysis(what + cause.getMessage(), action(cause), cause);
    }

    private static String action(LockstepException cause) {
        if (cause instanceof LockstepConfigurationException config && config.setting().equals("lockstep.url")) {
            return "Mark the DataSource Lockstep should migrate with @LockstepDataSource (and the application's own "
                    + "with @Primary), or set lockstep.url, lockstep.user and lockstep.password.";
        }
        if (cause instanceof LockstepConfigurationException config) {
            return "Correct the property " + config.setting() + " in your application configuration.";
        }
        if (cause instanceof MigrationFileException) {
            return "Fix the migration files listed above. Nothing was applied.";
        }
        if (cause instanceof ValidationException) {
            return "Migrate this database first (run with lockstep.mode=migrate, or the deployment that migrates it), "
                    + "then start this instance again.";
        }
        if (cause instanceof LockTimeoutException) {
            return "Another session holds the migration lock (see above). Wait for it, raise lockstep.lock.timeout, "
                    + "or end that session if it is stuck.";
        }
        if (cause instanceof MigrationFailedException) {
            return "Fix the migration named above and start again. To start the application despite failed "
                    + "migrations, set lockstep.fail-on-error=false (health then reports DOWN).";
        }
        return "Follow the advice in the message above, then start again.";
    }
}
