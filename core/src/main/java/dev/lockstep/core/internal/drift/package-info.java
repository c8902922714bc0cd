/**
 * Drift: the live schema against what the applied migrations make, read by
 * {@link dev.lockstep.core.CatalogSnapshot} from a replay on a scratch database
 * ({@link dev.lockstep.core.internal.drift.ScratchDatabase}) or from the snapshot each run stores
 * beside the tracker ({@link dev.lockstep.core.internal.drift.StoredSchema}), compared object by
 * object ({@link dev.lockstep.core.internal.drift.SchemaComparison}).
 */
package dev.lockstep.core.internal.drift;
