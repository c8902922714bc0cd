/**
 * The web gate for {@code lockstep.run-at=application-runner}: the web server is up while the
 * migrations run, and {@link dev.lockstep.autoconfigure.web.MigrationGate} (with a servlet filter
 * and a reactive web filter) answers application requests 503 with {@code Retry-After} until the
 * run returns, letting Actuator through.
 */
package dev.lockstep.autoconfigure.web;
