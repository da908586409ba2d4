package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounded retries with exponential backoff and full jitter, for the strategies that retry
 * lost races. Both the number of attempts and the time spent are capped: under a
 * pathological storm a caller gets {@code contention_timeout} instead of spinning forever.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration budget) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(200, Duration.ofNanos(50_000), Duration.ofMillis(20), Duration.ofSeconds(10));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0 || budget.isNegative()) {
            throw new IllegalArgumentException("delays must satisfy 0 <= baseDelay <= maxDelay, budget >= 0");
        }
    }

    public Attempts start(String strategy) {
        return new Attempts(strategy);
    }

    /** The retry state of one call. */
    public final class Attempts {
        private final String strategy;
        private final long deadline;
        private int attempt = 1;

        private Attempts(String strategy) {
            this.strategy = strategy;
            this.deadline = System.nanoTime() + budget.toNanos();
        }

        /** Sleeps before the next attempt, or fails with {@code contention_timeout} when the budget is spent. */
        public void backOff() {
            long now = System.nanoTime();
            if (attempt >= maxAttempts || now >= deadline) {
                throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT,
                        "gave up after " + attempt + " attempts: the counter is too contended for the " + strategy + " strategy",
                        Map.of("attempts", attempt, "strategy", strategy));
            }
            long ceiling = Math.min(maxDelay.toNanos(), baseDelay.toNanos() << Math.min(attempt - 1, 20));
            long sleep = Math.min(ThreadLocalRandom.current().nextLong(ceiling + 1), deadline - now);
            attempt++;
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            }
        }
    }
}
