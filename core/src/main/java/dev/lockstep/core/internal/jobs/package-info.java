/**
 * Batched migrations' jobs: the table beside the tracker that records each job and its progress
 * ({@link dev.lockstep.core.internal.jobs.JobTable}), the worker that runs one job's batches under
 * the job's lock ({@link dev.lockstep.core.internal.jobs.JobWorker}) and the batch size tuner
 * ({@link dev.lockstep.core.internal.jobs.BatchSizeTuner}).
 */
package dev.lockstep.core.internal.jobs;
