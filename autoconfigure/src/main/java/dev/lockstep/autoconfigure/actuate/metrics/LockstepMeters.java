package dev.lockstep.autoconfigure.actuate.metrics;

/**
 * Lockstep's meter names and tags.
 * <ul>
 *   <li>{@value #LOCK_WAIT}: timer, how long a run waited for the lock; tag {@code outcome} =
 *       {@code acquired}, {@code timeout} or {@code error}.</li>
 *   <li>{@value #MIGRATION_APPLY}: timer, each migration; tags {@code outcome} = {@code success} or
 *       {@code failure}, {@code transactional} = {@code true} or {@code false}.</li>
 *   <li>{@value #RUN}: timer, each whole run; tag {@code outcome} = {@code success} or
 *       {@code failure}.</li>
 *   <li>{@value #DDL_RETRIES}: counter, migration attempts (or, outside a transaction, statements)
 *       that {@code lockstep.ddl.lock-timeout} cancelled and that were tried again; tag
 *       {@code transactional}.</li>
 *   <li>{@value #PENDING}: gauge, migrations the current run has still to apply.</li>
 *   <li>{@value #APPLIED}: gauge, migrations recorded in the tracker.</li>
 *   <li>{@value #FLEET_TENANTS}: gauge, a fleet's tenants in each state; tags {@code target},
 *       {@code state} = {@code pending}, {@code migrating}, {@code migrated}, {@code failed}.</li>
 *   <li>{@value #FLEET_TENANT_RUN}: timer, one tenant's run, across tenants; tags {@code target},
 *       {@code outcome}.</li>
 *   <li>{@value #DRIFT_DIFFERENCES}: gauge, with {@code lockstep.drift.check=after-start}, how many
 *       objects differ from what the applied migrations make (a fleet's: across its tenants), NaN until
 *       checked or when the check failed; tag {@code target} ({@code main} without targets).</li>
 * </ul>
 * With {@code lockstep.targets}, a target without tenants has the meters above with a {@code target} tag.
 */
public final class LockstepMeters {

    public static final String LOCK_WAIT = "lockstep.lock.wait";
    public static final String MIGRATION_APPLY = "lockstep.migration.apply";
    public static final String RUN = "lockstep.run";
    public static final String DDL_RETRIES = "lockstep.ddl.retries";
    public static final String PENDING = "lockstep.migrations.pending";
    public static final String APPLIED = "lockstep.migrations.applied";
    public static final String DRIFT_DIFFERENCES = "lockstep.drift.differences";
    public static final String JOB_ROWS = "lockstep.jobs.rows";
    public static final String JOB_BATCH = "lockstep.jobs.batch";
    public static final String JOB_THROTTLED = "lockstep.jobs.throttled";
    public static final String JOBS = "lockstep.jobs";
    public static final String JOB = "job";
    public static final String REASON = "reason";

    public static final String FLEET_TENANTS = "lockstep.fleet.tenants";
    public static final String FLEET_TENANT_RUN = "lockstep.fleet.tenant.run";
    public static final String TARGET = "target";
    public static final String STATE = "state";
    public static final String OUTCOME = "outcome";
    public static final String TRANSACTIONAL = "transactional";

    private LockstepMeters() {
    }
}
