package dev.lockstep.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockTimeoutRetriesTest {

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    @Test
    void pausesGrowFromHalfASecondWithJitterAndStopAtMaxWait() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            long base = Math.min(30_000, 500L << (attempt - 1));
            assertThat(LockTimeoutRetries.pauseAfter(attempt, Duration.ZERO, LOCK_TIMEOUT, MAX_WAIT)).get()
                    .satisfies(p -> assertThat(p.toMillis()).isBetween(base / 2, base));
        }
        assertThat(LockTimeoutRetries.pauseAfter(40, Duration.ZERO, LOCK_TIMEOUT, MAX_WAIT)).get()
                .satisfies(p -> assertThat(p.toMillis()).isBetween(15_000L, 30_000L));
        assertThat(LockTimeoutRetries.pauseAfter(3, Duration.ofMillis(598_500), LOCK_TIMEOUT, MAX_WAIT)).isEmpty();
        assertThat(LockTimeoutRetries.pauseAfter(1, Duration.ofSeconds(590), LOCK_TIMEOUT, MAX_WAIT)).isPresent();
    }

    @Test
    void aLockNotAvailableAnywhereInTheFailureCountsAndNothingElseDoes() {
        SQLException lockTimeout = new SQLException("canceling statement due to lock timeout", "55P03");
        SQLException batch = new SQLException("Batch entry 0 failed", "25P02");
        batch.setNextException(lockTimeout);

        assertThat(LockTimeoutRetries.isLockNotAvailable(lockTimeout)).isTrue();
        assertThat(LockTimeoutRetries.isLockNotAvailable(batch)).isTrue();
        assertThat(LockTimeoutRetries.isLockNotAvailable(new RuntimeException(lockTimeout))).isTrue();
        assertThat(LockTimeoutRetries.isLockNotAvailable(new SQLException("deadlock detected", "40P01"))).isFalse();
        assertThat(LockTimeoutRetries.isLockNotAvailable(new RuntimeException("no SQL here"))).isFalse();
    }
}
