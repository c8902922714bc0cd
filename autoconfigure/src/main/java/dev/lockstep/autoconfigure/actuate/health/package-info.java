/**
 * The {@code lockstep} health indicator and its auto-configuration: the run's phase, the lock's
 * holder while waiting, what a statement waits for, from the engine's own progress (no query).
 */
package dev.lockstep.autoconfigure.actuate.health;
