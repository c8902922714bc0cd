package dev.lockstep.core;

/** Whether two migration files may share a version number. */
public enum VersionsMode {
    /** One file per version; a second file with the same version is an error. */
    UNIQUE,
    /** Several files may share a version; a migration is identified by (version, name). */
    SHARED
}
