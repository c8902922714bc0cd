package dev.lockstep.core.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tuner settles on the size whose batches take 90-95 % of the target, within its bounds. */
class BatchSizeTunerTest {

    private static final Duration TARGET = Duration.ofMillis(100);

    /** Batches whose duration is {@code microsPerRow} per row. */
    private static int settle(BatchSizeTuner tuner, double microsPerRow, int batches) {
        for (int i = 0; i < batches; i++) {
            tuner.batchTook(Duration.ofNanos((long) (tuner.size() * microsPerRow * 1000)), true);
        }
        return tuner.size();
    }

    @Test
    void growsFromASmallGuessToTheTargetsSizeAndStaysNearIt() {
        // 10 µs a row: 100 ms is 10,000 rows. The moving average lags, so sizes swing a little around it.
        BatchSizeTuner tuner = new BatchSizeTuner(100, 10, 50_000, TARGET);
        settle(tuner, 10, 40);
        int least = Integer.MAX_VALUE;
        int most = 0;
        for (int i = 0; i < 40; i++) {
            int size = settle(tuner, 10, 1);
            least = Math.min(least, size);
            most = Math.max(most, size);
        }
        assertThat(least).isGreaterThanOrEqualTo(7_000);
        assertThat(most).isLessThanOrEqualTo(11_000);
    }

    @Test
    void cutsAFarTooLongFirstBatchAtOnce() {
        BatchSizeTuner tuner = new BatchSizeTuner(1_000, 10, 50_000, TARGET);
        tuner.batchTook(Duration.ofMillis(1_000), true);
        assertThat(tuner.size()).isEqualTo(90);
    }

    @Test
    void staysWithinItsBounds() {
        assertThat(settle(new BatchSizeTuner(100, 10, 2_000, TARGET), 1, 40)).isEqualTo(2_000);
        assertThat(settle(new BatchSizeTuner(100, 50, 2_000, TARGET), 100_000, 10)).isEqualTo(50);
    }

    @Test
    void theTablesLastShortBatchSaysNothing() {
        BatchSizeTuner tuner = new BatchSizeTuner(1_000, 10, 50_000, TARGET);
        tuner.batchTook(Duration.ofMillis(1), false);
        assertThat(tuner.size()).isEqualTo(1_000);
    }
}
