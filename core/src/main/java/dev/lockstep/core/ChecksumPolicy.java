package dev.lockstep.core;

/** What to do when an applied migration's file has changed since it was applied. */
public enum ChecksumPolicy {
    /** Stop before applying anything, naming each changed file. */
    FAIL,
    /** Log a warning per changed file and carry on. */
    WARN,
    /** Do not compare checksums. */
    IGNORE
}
