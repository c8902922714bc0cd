package dev.lockstep.core.internal.files;

/**
 * What a build's index says the tracker holds once every migration it lists is applied, for a start
 * that can then tell it has nothing to do from one query ({@code Tracker.digest}).
 *
 * @param index where the index is, for the log
 * @param migrations how many up migrations it lists: the tracker's rows once all are applied
 * @param trackerDigest the sum of {@code Tracker.digestOf} over them
 */
public record IndexSummary(String index, int migrations, long trackerDigest) {
}
