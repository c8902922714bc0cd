package dev.lockstep.core.internal.run;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them in logs and errors: {@code 250 ms}, {@code 1.5 s}, {@code 10 min}. */
public final class Durations {

    private Durations() {
    }

    public static String describe(Duration d) {
        long millis = d.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0).replace(".0 s", " s");
        }
        long seconds = d.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds / 60 + " min " + seconds % 60 + " s";
    }
}
