package dev.lockstep.cli;

import dev.lockstep.core.ExpandedMigration;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code expansions} and {@code contract}, in the one database or in each tenant database named: a
 * line per expand/contract migration ({@link ExpandedMigration#describe()}), tenants without any left out.
 */
final class ExpandCommands {

    private final PrintStream out;
    private final Targets targets;

    ExpandCommands(PrintStream out, Targets targets) {
        this.out = out;
        this.targets = targets;
    }

    /**
     * @param force {@code contract --force}: contract while sessions of older releases are connected
     * @return {@code contract}: {@link ExitCode#PENDING} when one still waits for an older release's sessions
     */
    ExitCode execute(String command, boolean force) {
        boolean contract = command.equals("contract");
        int shown = 0;
        int waiting = 0;
        for (Targets.Target target : targets.all()) {
            List<ExpandedMigration> expansions = contract ? target.engine().contract(force) : target.engine().expansions();
            if (expansions.isEmpty()) {
                continue;
            }
            target.tenant().ifPresent(t -> out.println("== tenant " + t));
            for (ExpandedMigration expansion : expansions) {
                out.println(expansion.describe());
                shown++;
                waiting += expansion.contracted() ? 0 : 1;
            }
        }
        if (shown == 0) {
            out.println("No expand/contract migration" + (targets.fleet().isPresent() ? " in " + targets.all().size()
                    + " tenant(s)" : "") + ".");
            return ExitCode.OK;
        }
        if (contract && waiting > 0) {
            out.println(waiting + " expanded migration(s) not contracted: sessions of an older release are connected "
                    + "(contract --force contracts regardless; their queries of the old shape then fail).");
            return ExitCode.PENDING;
        }
        return ExitCode.OK;
    }
}
