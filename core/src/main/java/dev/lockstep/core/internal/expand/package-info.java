/**
 * Expand/contract across a rolling deploy: a migration marked {@code -- lockstep:expand-contract}
 * is expanded when it is applied ({@link Expansion}: additive changes, a schema of views per release
 * version in that release's shape, {@link ShapeViews}), and contracted once no session of an older
 * release remains ({@link Contraction}, {@link ReleaseSessions}). What is expanded and not yet
 * contracted is kept beside the tracker ({@link ExpansionTable}).
 */
package dev.lockstep.core.internal.expand;
