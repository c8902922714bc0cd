/**
 * Internal: the lint for statements that are risky on a table with rows and traffic.
 * {@link dev.lockstep.core.internal.lint.LintCheck} reads the migrations in order and weighs the
 * events their statements' analysis found (a table created earlier in the same migration, a
 * {@code NOT NULL} check validated by an earlier one), without reading a file again. Pure logic.
 */
package dev.lockstep.core.internal.lint;
