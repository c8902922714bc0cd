package dev.lockstep.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A batched migration's job as its row says (see {@link Lockstep#jobs()}).
 *
 * @param version the version of the migration that declared it
 * @param name that migration's name
 * @param table the table it goes through, as the file names it
 * @param key the integer column whose order the batches follow
 * @param rowsDone rows its batches changed so far
 * @param estimatedRows the table's rows as PostgreSQL estimated them when the job was created
 * @param batchSize the rows in its latest batch (the tuner's choice)
 * @param nextKey the first key no batch has done yet; empty before the first batch
 * @param error for a failed job: the key range, the statement and the error
 * @param worker the session running its batches now, when one holds its lock
 */
public record BatchedJob(String version, String name, String table, String key, JobState state, long rowsDone,
        long estimatedRows, long batches, int batchSize, Optional<Long> nextKey, Instant createdAt,
        Optional<Instant> startedAt, Optional<Instant> updatedAt, Optional<Instant> finishedAt,
        Optional<String> error, Optional<String> worker) {

    /** Rows a second, from its first batch to its latest (pauses included); 0 before the second batch. */
    public double rowsPerSecond() {
        if (startedAt.isEmpty() || updatedAt.isEmpty()) {
            return 0;
        }
        long millis = Duration.between(startedAt.get(), finishedAt.orElse(updatedAt.get())).toMillis();
        return millis <= 0 ? 0 : rowsDone * 1000.0 / millis;
    }

    /** How long the rest should take at {@link #rowsPerSecond()}, while it has rows left by the estimate. */
    public Optional<Duration> eta() {
        double rate = rowsPerSecond();
        if (state == JobState.FINISHED || rate <= 0 || estimatedRows <= rowsDone) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) ((estimatedRows - rowsDone) * 1000 / rate)));
    }

    /**
     * One line: {@code 42 backfill_email (users by id): running, 120000 of ~1000000 rows in 14 batch(es),
     * 8400 rows/s, ETA 1m44s}.
     */
    public String describe() {
        StringBuilder line = new StringBuilder(version + " " + name + " (" + table + " by " + key + "): "
                + state.label() + ", " + rowsDone + " of ~" + Math.max(estimatedRows, rowsDone) + " rows in " + batches
                + " batch(es)");
        if (rowsPerSecond() > 0) {
            line.append(", ").append(Math.round(rowsPerSecond())).append(" rows/s");
        }
        if (state == JobState.FINISHED && startedAt.isPresent() && finishedAt.isPresent()) {
            line.append(", in ").append(format(Duration.between(startedAt.get(), finishedAt.get())));
        }
        eta().filter(e -> state.runnable()).ifPresent(e -> line.append(", ETA ").append(format(e)));
        worker.ifPresent(w -> line.append(", run by ").append(w));
        error.ifPresent(e -> line.append("\n  ").append(e.replace("\n", "\n  ")));
        return line.toString();
    }

    private static String format(Duration duration) {
        long seconds = Math.max(1, duration.toSeconds());
        return seconds >= 3600 ? seconds / 3600 + "h" + seconds % 3600 / 60 + "m"
                : seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s";
    }
}
