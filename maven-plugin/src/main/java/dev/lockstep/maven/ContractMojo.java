package dev.lockstep.maven;

import dev.lockstep.core.ExpandedMigration;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepFleet;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Contracts the expanded migrations ({@code -- lockstep:expand-contract}), oldest first, once no
 * session of an older release is connected; fails the build naming the ones that still wait, unless
 * {@code lockstep.force}. With tenants, in each tenant database.
 */
@Mojo(name = "contract", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public class ContractMojo extends DatabaseMojo {

    /** Contract even while sessions of older releases are connected: their queries of the old shape then fail. */
    @Parameter(property = "lockstep.force", defaultValue = "false")
    boolean force;

    @Override
    String goal() {
        return "contract";
    }

    @Override
    void run(Lockstep lockstep) throws MojoFailureException {
        fail(report(getLog(), "", lockstep.contract(force)));
    }

    @Override
    void run(LockstepFleet fleet) throws MojoFailureException {
        List<String> waiting = new ArrayList<>();
        for (String tenant : fleet.tenantNames()) {
            waiting.addAll(report(getLog(), "Tenant " + tenant + ": ", fleet.tenant(tenant).contract(force)));
        }
        fail(waiting);
    }

    private static void fail(List<String> waiting) throws MojoFailureException {
        if (!waiting.isEmpty()) {
            throw new MojoFailureException("Not contracted, sessions of an older release are connected: "
                    + String.join("; ", waiting) + " (-Dlockstep.force=true contracts regardless)");
        }
    }

    /** Logs each expand/contract migration, or that there is none; returns those still expanded. */
    static List<String> report(Log log, String prefix, List<ExpandedMigration> expansions) {
        List<String> waiting = new ArrayList<>();
        if (expansions.isEmpty()) {
            log.info(prefix + "no expand/contract migration");
        }
        for (ExpandedMigration expansion : expansions) {
            log.info(prefix + expansion.describe());
            if (!expansion.contracted()) {
                waiting.add(prefix + expansion.version() + " " + expansion.state());
            }
        }
        return waiting;
    }
}
