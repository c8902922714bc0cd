package dev.lockstep.core;

/** What {@link Lockstep#drift()} compares the live schema with ({@code lockstep.drift.compare-with}). */
public enum DriftComparison {
    /** The stored snapshot when it matches the tracker, else the replay. */
    AUTO,
    /**
     * The applied migrations, in the order they were applied, run again on a scratch database that
     * the command creates and drops: everything the migrations made is checked. Needs CREATEDB.
     */
    REPLAY,
    /**
     * The schema as the last run that changed it left it, stored beside the tracker: each run that
     * applies or undoes stores what it changed, so drift from before the first stored snapshot is not
     * seen. Creates nothing.
     */
    SNAPSHOT
}
