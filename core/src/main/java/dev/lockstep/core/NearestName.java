package dev.lockstep.core;

import java.util.Collection;
import java.util.Optional;

/**
 * The known name a mistyped one was most likely meant to be ({@code lock.timout} →
 * {@code lock.timeout}, {@code location} → {@code locations}), so an unknown setting is reported
 * with the one to write instead, wherever settings are read: Spring Boot's properties, the command
 * line's options and files, the Maven plugin's {@code <settings>}.
 */
public final class NearestName {

    private NearestName() {
    }

    /**
     * The known name fewest single-character edits away, when that is close enough to be a typo:
     * at most 3 edits and fewer than half the name's length; the first such name in {@code known}'s
     * order on a tie.
     */
    public static Optional<String> among(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        boolean close = best != null && bestDistance <= 3 && bestDistance * 2 < Math.max(name.length(), 2);
        return close ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein's distance: insertions, deletions and substitutions of one character. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
