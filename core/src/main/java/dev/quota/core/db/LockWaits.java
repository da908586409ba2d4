package dev.quota.core.db;

import dev.quota.core.QuotaException;
import java.time.Duration;

/**
 * How {@code db migrate} waits for the locks a migration needs. Each attempt waits at most
 * the connection's lock_timeout (2 s by default): a migration queued behind another
 * session's lock queues every later query on that table behind itself, so it gives up
 * early, lets the queue drain for {@code pause} times the attempt's number, and tries again.
 */
public record LockWaits(int attempts, Duration pause) {

    public static final LockWaits DEFAULT = new LockWaits(5, Duration.ofSeconds(1));

    public LockWaits {
        if (attempts < 1) {
            throw QuotaException.invalidInput("the attempts at a migration's locks must be at least 1, got " + attempts);
        }
        if (pause.isNegative()) {
            throw QuotaException.invalidInput("the pause between attempts must not be negative");
        }
    }

    void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between attempts at a migration's locks", e);
        }
    }
}
