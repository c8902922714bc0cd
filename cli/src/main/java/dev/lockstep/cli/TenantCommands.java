package dev.lockstep.cli;

import dev.lockstep.core.Drift;
import dev.lockstep.core.FleetReport;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepFleet;
import dev.lockstep.core.MigrationInfo;
import dev.lockstep.core.MigrationState;
import dev.lockstep.core.ValidationException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code migrate}, {@code info}, {@code validate}, {@code drift} and {@code preview} over a fleet's tenants: one
 * line per tenant that needs attention (all of them for info; info of one tenant lists its
 * migrations), and one summary line. Undo and the operator actions go over the tenants in
 * {@link LockstepCli} itself, with one question for all.
 */
final class TenantCommands {

    private final PrintStream out;
    private final Targets targets;
    private final LockstepFleet fleet;

    TenantCommands(PrintStream out, Targets targets) {
        this.out = out;
        this.targets = targets;
        this.fleet = targets.fleet().orElseThrow();
    }

    ExitCode execute(String command) {
        return switch (command) {
            case "migrate" -> migrate();
            case "info" -> info();
            case "validate" -> validate();
            case "drift" -> drift();
            default -> preview();
        };
    }

    private ExitCode preview() {
        for (Targets.Target target : targets.all()) {
            out.println("== tenant " + target.tenant().orElseThrow());
            out.print(target.engine().preview().describe() + "\n");
        }
        return ExitCode.OK;
    }

    private ExitCode migrate() {
        FleetReport report = fleet.migrate();
        report.failed().forEach(f -> out.println(f.tenant() + ": FAILED: " + f.error().orElse("")));
        out.println(report.summary());
        return report.failed().isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    private ExitCode info() {
        List<String> tenants = fleet.tenantNames();
        if (tenants.size() == 1) {
            out.println("== tenant " + tenants.get(0));
            LockstepCli.printInfo(out, fleet.tenant(tenants.get(0)).info());
            return ExitCode.OK;
        }
        int failed = 0;
        for (String tenant : tenants) {
            try {
                List<MigrationInfo> infos = fleet.tenant(tenant).info();
                long applied = infos.stream().filter(i -> i.state() == MigrationState.APPLIED).count();
                long pending = infos.stream().filter(i -> i.state() == MigrationState.PENDING
                        || i.state() == MigrationState.OUT_OF_ORDER).count();
                long other = infos.size() - applied - pending;
                out.println(tenant + ": " + applied + " applied, " + pending + " pending"
                        + (other > 0 ? ", " + other + " to look at (info --tenants=" + tenant + " lists them)" : ""));
            } catch (LockstepException e) {
                failed++;
                out.println(tenant + ": could not be read: " + e.getMessage());
            }
        }
        out.println(tenants.size() + " tenant(s)" + (failed > 0 ? ", " + failed + " could not be read" : ""));
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    /** One line per tenant without drift or failing, each drifted tenant's differences, then a summary. */
    private ExitCode drift() {
        List<String> tenants = fleet.tenantNames();
        int drifted = 0;
        int failed = 0;
        for (String tenant : tenants) {
            try {
                Drift drift = fleet.tenant(tenant).drift();
                if (drift.found()) {
                    drifted++;
                    out.println(tenant + ": DRIFT: " + drift.describe());
                } else {
                    out.println(tenant + ": no drift (" + drift.comparedWith().name().toLowerCase(Locale.ROOT) + ")");
                }
            } catch (LockstepException e) {
                failed++;
                out.println(tenant + ": could not be compared: " + e.getMessage());
            }
        }
        out.println(tenants.size() + " tenant(s): " + (tenants.size() - drifted - failed) + " without drift, " + drifted
                + " with drift, " + failed + " could not be compared");
        return failed > 0 ? ExitCode.FAILED : drifted > 0 ? ExitCode.DRIFT : ExitCode.OK;
    }

    private ExitCode validate() {
        List<String> tenants = fleet.tenantNames();
        int pending = 0;
        int failed = 0;
        for (String tenant : tenants) {
            Lockstep engine = fleet.tenant(tenant);
            try {
                engine.validate();
            } catch (ValidationException e) {
                pending++;
                out.println(tenant + ": PENDING: " + e.getMessage());
            } catch (LockstepException e) {
                failed++;
                out.println(tenant + ": INVALID: " + e.getMessage());
            }
        }
        out.println(tenants.size() + " tenant(s): " + (tenants.size() - pending - failed) + " valid, " + pending
                + " with pending migrations, " + failed + " invalid");
        return failed > 0 ? ExitCode.FAILED : pending > 0 ? ExitCode.PENDING : ExitCode.OK;
    }
}
