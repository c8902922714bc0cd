package dev.lockstep.benchmarks;

import java.util.Locale;

/** The "## Targets" section: each line a measured ratio against its limit, met or not. */
final class Targets {

    private final StringBuilder md = new StringBuilder("## Targets\n\n");

    void atLeast(String what, double value, double limit) {
        add(what, value, value >= limit);
    }

    void atMost(String what, double value, double limit) {
        add(what, value, value <= limit);
    }

    /** Met when {@code value} is strictly below {@code limit}. */
    void below(String what, double value, double limit) {
        add(what, value, value < limit);
    }

    /**
     * A target that is a yes or no rather than a ratio; {@code met} null when it was not measured,
     * {@code detail} then says why.
     */
    void check(String what, Boolean met, String detail) {
        md.append("- ").append(what).append(": ").append(detail);
        if (met != null) {
            md.append(met ? " (met)" : " (NOT met)");
        }
        md.append('\n');
    }

    String markdown() {
        return md.toString();
    }

    private void add(String what, double value, boolean met) {
        if (Double.isNaN(value)) {
            md.append("- ").append(what).append(": not measured in this run\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "- %s: **%.2f** %s%n", what, value, met ? "(met)" : "(NOT met)"));
    }
}
