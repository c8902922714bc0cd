package dev.lockstep.benchmarks;

import java.util.Locale;

/** Progress lines on standard out; the tools' own logs are kept quiet (see logback.xml). */
final class Log {

    private Log() {
    }

    static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
