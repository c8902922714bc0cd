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
