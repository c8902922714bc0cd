/**
 * The read-only {@code lockstep} Actuator endpoint and its auto-configuration: every migration on
 * disk or in the tracker, with its state.
 */
package dev.lockstep.autoconfigure.actuate.endpoint;
