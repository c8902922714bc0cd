package dev.lockstep.core;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition that has no event to wait on, with a deadline. */
public final class Poll {

    private Poll() {
    }

    /** Returns true as soon as the condition holds, false once the deadline passes. */
    public static boolean until(Duration deadline, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (condition.call()) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
    }
}
