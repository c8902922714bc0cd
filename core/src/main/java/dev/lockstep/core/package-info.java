/**
 * Lockstep's engine: applies PostgreSQL migrations once across every replica. Spring-free; the
 * public entry points are {@link dev.lockstep.core.Lockstep} (built by
 * {@link dev.lockstep.core.LockstepConfiguration}), {@link dev.lockstep.core.LockstepListener},
 * {@link dev.lockstep.core.MigrationHook} and the report and exception types. The rest is
 * package-private, mapped here for a newcomer in the order a run uses it.
 *
 * <h2>Settings</h2>
 * {@code LockstepConfiguration} is the fluent builder; {@code load()} checks every value (naming the
 * Spring Boot property in errors) and freezes them into {@code LockstepSettings}, the one thing a run
 * reads.
 *
 * <h2>Files (before any connection)</h2>
 * <ul>
 *   <li>{@code MigrationScanner} lists the {@code .sql} files of each location (folders, jars,
 *       native images), following symbolic links.</li>
 *   <li>{@code MigrationLoader} turns each file into a {@link dev.lockstep.core.Migration} or a
 *       problem naming the file and line: {@code MigrationFileName} parses the name (its
 *       {@link dev.lockstep.core.MigrationVersion}: whole, dotted, or repeatable),
 *       {@code Directives} the {@code -- lockstep:} lines, {@code SqlSplitter} cuts statements
 *       ({@code SqlStatement}), {@code TransactionRules} decides whether it can run in a transaction,
 *       {@code Checksums} hashes it.</li>
 * </ul>
 *
 * <h2>The run (one pinned connection)</h2>
 * <ul>
 *   <li>{@code MigrationRun}: connect ({@code Connector}, with retries), resolve the {@code Tracker},
 *       return early when nothing is pending, check for a pooler ({@code PoolerCheck}), capture and
 *       set the session ({@code SessionState}), take the lock, migrate, release, put the session
 *       back.</li>
 *   <li>The lock: {@code RunLock}, implemented by {@code AdvisoryLock} (key from {@code LockKeys},
 *       the holder shown as {@code LockHolder}, reports while waiting, the fence statement).</li>
 *   <li>The tracker: {@code Tracker} holds every SQL statement on the tracker table (and brings
 *       an earlier layout up to date); {@code AppliedRow} (with {@code MigrationId} and
 *       {@code RowState}) is one row. {@code AdoptedHistory} reads Flyway's or golang-migrate's
 *       history into rows on the first run; {@code Baseline} records files as already there.</li>
 *   <li>What to apply: {@code MigrationClassification} compares files and rows once; {@code MigrationPlan}
 *       turns that into pending work or one error listing every mismatch, and
 *       {@code MigrationInventory} into {@link dev.lockstep.core.MigrationInfo} for
 *       {@code info()}.</li>
 *   <li>Applying: {@code MigrationApplier} runs one migration in a transaction (one batch with its
 *       tracker row) or outside one ({@code running} row first); {@code ConnectionFailures} tells
 *       a lost connection from a failed statement and discards connections that cannot go back to
 *       the pool.</li>
 *   <li>Telling the world: {@code Listeners} fans events out to {@link dev.lockstep.core.LockstepListener}s
 *       safely; {@link dev.lockstep.core.RunProgress} keeps the phase for health checks.</li>
 * </ul>
 */
package dev.lockstep.core;
