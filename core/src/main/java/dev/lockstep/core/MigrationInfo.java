package dev.lockstep.core;

import java.time.Instant;

/**
 * One migration known on disk or in the tracker, for status pages.
 *
 * @param file the file, or {@code null} when only the tracker knows it
 * @param checksum the applied checksum when applied, else the file's
 * @param appliedAt {@code null} unless applied (or running)
 * @param executionMs {@code null} unless applied
 */
public record MigrationInfo(MigrationVersion version, String name, String file, MigrationState state, String checksum,
        Instant appliedAt, Long executionMs, String appliedBy) {
}
