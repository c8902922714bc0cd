package dev.lockstep.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An expand/contract migration ({@code -- lockstep:expand-contract}) as the database holds it: expanded
 * (the old shape kept for the release still running, the new one in the new release's version schema) or
 * contracted (the statements' final effect done).
 *
 * @param version the migration's version
 * @param contracted whether it is contracted
 * @param changes what it changes, one line each, e.g. {@code rename column users.name to full_name}
 * @param olderSessions for an expanded migration: the sessions of older releases still connected, by the
 *     version each runs (its contract waits while any remain); empty once contracted
 */
public record ExpandedMigration(String version, boolean contracted, List<String> changes, Instant expandedAt,
        Optional<Instant> contractedAt, Map<String, Integer> olderSessions) {

    public ExpandedMigration {
        changes = List.copyOf(changes);
        olderSessions = Map.copyOf(olderSessions);
    }

    /** How many sessions of older releases its contract waits for. */
    public int olderSessionCount() {
        return olderSessions.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The state in words: {@code contracted}, {@code expanded, waiting for 2 sessions of version 8}, {@code expanded}. */
    public String state() {
        if (contracted) {
            return "contracted";
        }
        if (olderSessions.isEmpty()) {
            return "expanded";
        }
        return "expanded, waiting for " + olderSessions.entrySet().stream().sorted(Map.Entry.comparingByKey(
                (a, b) -> MigrationVersion.parse(a).compareTo(MigrationVersion.parse(b))))
                .map(e -> e.getValue() + " session" + (e.getValue() == 1 ? "" : "s") + " of version " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    /** One line: version, state and changes. */
    public String describe() {
        return version + " " + state() + ": " + String.join("; ", changes);
    }
}
