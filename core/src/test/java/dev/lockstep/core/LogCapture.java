package dev.lockstep.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a class (or the whole engine) logged at INFO and above while an action ran (System.Logger goes
 * to java.util.logging here).
 */
public final class LogCapture {

    /** Every logger of the engine: its loggers are named after its classes. */
    public static final String ENGINE = "dev.lockstep.core";

    private LogCapture() {
    }

    public static List<String> during(Class<?> source, Supplier<?> action) {
        return during(source, () -> {
            action.get();
        });
    }

    public static List<String> during(Class<?> source, Runnable action) {
        return during(source, new CopyOnWriteArrayList<>(), action);
    }

    /** Captures into {@code lines} as it goes, so a test can wait for a line while the action still runs. */
    public static List<String> during(Class<?> source, List<String> lines, Runnable action) {
        return during(source.getName(), lines, action);
    }

    /** What the loggers named {@code name} and below logged, e.g. {@link #ENGINE}. */
    public static List<String> during(String name, Runnable action) {
        return during(name, new CopyOnWriteArrayList<>(), action);
    }

    private static List<String> during(String name, List<String> lines, Runnable action) {
        Logger logger = Logger.getLogger(name);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLevel() + " " + java.text.MessageFormat.format(record.getMessage(),
                        record.getParameters() == null ? new Object[0] : record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        open(logger);
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
            close(logger);
        }
        return lines;
    }

    /**
     * Captures of one logger overlap when test classes run in parallel: the logger is set to INFO by
     * the first and put back by the last, never by one that ends while another still captures.
     */
    private static final Map<String, Integer> CAPTURING = new HashMap<>();
    private static final Map<String, Level> LEVEL_BEFORE = new HashMap<>();

    private static synchronized void open(Logger logger) {
        if (CAPTURING.merge(logger.getName(), 1, Integer::sum) == 1) {
            LEVEL_BEFORE.put(logger.getName(), logger.getLevel());
            logger.setLevel(Level.INFO);
        }
    }

    private static synchronized void close(Logger logger) {
        if (CAPTURING.merge(logger.getName(), -1, Integer::sum) == 0) {
            CAPTURING.remove(logger.getName());
            logger.setLevel(LEVEL_BEFORE.remove(logger.getName()));
        }
    }
}
