/**
 * Lockstep for Spring Boot: the auto-configuration. {@link dev.lockstep.autoconfigure.LockstepAutoConfiguration}
 * builds the engine from {@link dev.lockstep.autoconfigure.LockstepProperties} (the engine's settings
 * handed over by catalog key, {@code LockstepPropertiesBinding}), on the DataSource
 * {@code MigrationDataSource} picks ({@link dev.lockstep.autoconfigure.LockstepDataSource},
 * {@code lockstep.url}), customised by {@link dev.lockstep.autoconfigure.LockstepCustomizer} beans.
 * When it runs ({@code lockstep.run-at}): {@link dev.lockstep.autoconfigure.LockstepInitializer}
 * while the context starts (every bean that uses the database waits for it, through
 * {@code LockstepInitializerDatabaseInitializerDetector}), or
 * {@link dev.lockstep.autoconfigure.LockstepApplicationRunner} after it, behind the web gate
 * ({@code dev.lockstep.autoconfigure.web}); either way {@code StartupMigration} does the run and
 * reports it. {@code LockstepFailureAnalyzer} explains a failed start, {@code LockstepExitAfterRun}
 * ends a migration job, {@code LockstepRuntimeHints} and {@code LockstepLocationsAotProcessor} carry
 * the files into native images. Health, endpoint and metrics are in
 * {@code dev.lockstep.autoconfigure.actuate.*}, each auto-configured only with its library present.
 */
package dev.lockstep.autoconfigure;
