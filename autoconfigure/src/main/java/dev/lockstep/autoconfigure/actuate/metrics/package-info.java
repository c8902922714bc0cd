/**
 * Micrometer meters of the runs ({@link dev.lockstep.autoconfigure.actuate.metrics.LockstepMeters}
 * names them) and their auto-configuration; a metrics failure is a warning, never a failed start.
 */
package dev.lockstep.autoconfigure.actuate.metrics;
