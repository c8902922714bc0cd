package dev.lockstep.core;

import java.util.List;

/**
 * One migration's round trip: up, down, and whether the catalog came back to what it was before
 * the up. {@code differences} lists what the down left (a {@code + } line) or took too much
 * (a {@code - } line), as {@link CatalogSnapshot#differencesFrom} words it; empty when it passed.
 */
public record RoundTrip(String upFile, String downFile, List<String> differences) {

    public RoundTrip {
        differences = List.copyOf(differences);
    }

    public boolean passed() {
        return differences.isEmpty();
    }

    /** The failure as a test report shows it: the down file and each difference. */
    public String describe() {
        return downFile + " does not undo " + upFile + ":\n    " + String.join("\n    ", differences);
    }
}
