package dev.lockstep.core;

import java.util.List;

/**
 * What an undo runs, in order (highest version first): each migration's down SQL, where it comes
 * from (the tracker row, or the down file for a row applied before Lockstep kept downs), and
 * whether it runs in a transaction. Built without the lock and without writing anything.
 */
public record UndoPlan(String tracker, List<Step> steps) {

    public UndoPlan {
        steps = List.copyOf(steps);
    }

    /** One migration to undo. */
    public record Step(MigrationVersion version, String name, String downFile, String source, boolean transactional,
            String sql) {
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** For a person to read before typing yes: each step with its SQL. */
    public String describe() {
        if (steps.isEmpty()) {
            return "Nothing to undo in " + tracker + ".";
        }
        StringBuilder s = new StringBuilder("Undo " + steps.size() + " migration(s) in " + tracker
                + ", in this order, each marked undone in the tracker:\n");
        int i = 1;
        for (Step step : steps) {
            s.append("\n[").append(i++).append('/').append(steps.size()).append("] ").append(step.version())
                    .append(' ').append(step.name()).append(": ").append(step.downFile()).append(" (")
                    .append(step.source()).append(", ")
                    .append(step.transactional() ? "in a transaction" : "outside a transaction").append(")\n")
                    .append(step.sql().strip()).append('\n');
        }
        return s.toString();
    }
}
