package dev.lockstep.core.internal.jobs;

import java.time.Duration;

/**
 * Sizes batches to take about the target duration, as GitLab's batched background migrations do:
 * the efficiency of a batch is its duration over the target; an exponential moving average of it
 * above 0.95 shrinks the next batch by 20 %, below 0.9 grows it by 10 %, within the bounds; a batch
 * more than twice the target cuts the next to the target's size at once, one shorter than 40 % of
 * it doubles the next, so a first batch sized by a guess is corrected within a few batches. A
 * batch cut short by the end of the table says nothing about the size and is not counted.
 */
public final class BatchSizeTuner {

    static final double LOW = 0.90;
    static final double HIGH = 0.95;
    private static final double SMOOTHING = 0.4;
    /** A batch this many times the target is cut down to size at once rather than by 20 % steps. */
    static final double FAR_OFF = 2.0;
    /** A batch shorter than this part of the target doubles the next. */
    static final double FAR_BELOW = 0.4;

    private final int min;
    private final int max;
    private final double targetNanos;
    private int size;
    private double efficiency = Double.NaN;

    public BatchSizeTuner(int initial, int min, int max, Duration target) {
        this.min = Math.min(min, max);
        this.max = max;
        this.targetNanos = target.toNanos();
        this.size = Math.max(this.min, Math.min(max, initial));
    }

    /** The rows of the next batch. */
    public int size() {
        return size;
    }

    /** The moving average of the batches' efficiency; NaN before the first full batch. */
    double efficiency() {
        return efficiency;
    }

    /**
     * Counts a batch of {@code size()} rows that took {@code took}, and sizes the next.
     *
     * @param full whether it had {@code size()} rows (not the table's last, shorter batch)
     */
    public void batchTook(Duration took, boolean full) {
        if (!full) {
            return;
        }
        double batch = took.toNanos() / targetNanos;
        if (batch > FAR_OFF) {
            // Far too long (the first batch of rows much slower than guessed): a writer waits for the whole
            // batch, so the next is cut to the target's size at once, and the average starts again.
            size = Math.max(min, (int) (size / batch * LOW));
            efficiency = Double.NaN;
            return;
        }
        if (batch < FAR_BELOW) {
            // Far too short (the first batches, sized by a guess): doubled, rather than 10 % at a time.
            size = (int) Math.min(max, size * 2L);
            efficiency = Double.NaN;
            return;
        }
        efficiency = Double.isNaN(efficiency) ? batch : SMOOTHING * batch + (1 - SMOOTHING) * efficiency;
        if (efficiency > HIGH) {
            size = Math.max(min, (int) (size * 0.8));
        } else if (efficiency < LOW) {
            size = (int) Math.min(max, Math.max(size + 1, (long) Math.ceil(size * 1.1)));
        }
    }
}
