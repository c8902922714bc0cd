package dev.lockstep.maven;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.maven.plugin.logging.Log;

/**
 * Shows the engine's log (System.Logger, which goes to java.util.logging) in Maven's: INFO as
 * {@code [INFO]}, WARNING as {@code [WARNING]}, SEVERE as {@code [ERROR]}, while a goal runs.
 */
final class MavenLog extends Handler implements AutoCloseable {

    private static final Logger ENGINE = Logger.getLogger("dev.lockstep");

    private final Log log;
    private final Level levelBefore;
    private final boolean parentsBefore;

    private MavenLog(Log log) {
        this.log = log;
        this.levelBefore = ENGINE.getLevel();
        this.parentsBefore = ENGINE.getUseParentHandlers();
    }

    static MavenLog forward(Log log) {
        MavenLog handler = new MavenLog(log);
        ENGINE.setLevel(log.isDebugEnabled() ? Level.FINE : Level.INFO);
        ENGINE.setUseParentHandlers(false);
        ENGINE.addHandler(handler);
        return handler;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            log.error(message);
        } else if (level >= Level.WARNING.intValue()) {
            log.warn(message);
        } else if (level >= Level.INFO.intValue()) {
            log.info(message);
        } else {
            log.debug(message);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        ENGINE.removeHandler(this);
        ENGINE.setUseParentHandlers(parentsBefore);
        ENGINE.setLevel(levelBefore);
    }
}
