package dev.lockstep.core;

/** A fleet run that stopped: a canary failed, or a tenant did under {@link FleetFailurePolicy#STOP_ON_FIRST_FAILURE}. */
public class FleetFailedException extends LockstepException {

    private final transient FleetReport report;

    public FleetFailedException(String message, FleetReport report, Throwable firstFailure) {
        super(message, firstFailure);
        this.report = report;
    }

    /** Every tenant's status when the fleet stopped. */
    public FleetReport report() {
        return report;
    }
}
