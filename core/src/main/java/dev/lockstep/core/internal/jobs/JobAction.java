package dev.lockstep.core.internal.jobs;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.JobState;
import java.util.Set;

/** What an operator does to a job, from which states, to which. */
public enum JobAction {
    PAUSE("pause", Set.of(JobState.PENDING, JobState.RUNNING)),
    RESUME("resume", Set.of(JobState.PAUSED)),
    /** A failed job runs again from the batch that failed: its progress is the last batch that committed. */
    RETRY("retry", Set.of(JobState.FAILED));

    private final String verb;
    private final Set<JobState> from;

    JobAction(String verb, Set<JobState> from) {
        this.verb = verb;
        this.from = from;
    }

    String verb() {
        return verb;
    }

    Set<JobState> from() {
        return from;
    }

    /** The state after it: paused, or back to where the job's progress says it is. */
    JobState to(BatchedJob job) {
        return this == PAUSE ? JobState.PAUSED : job.batches() == 0 ? JobState.PENDING : JobState.RUNNING;
    }
}
