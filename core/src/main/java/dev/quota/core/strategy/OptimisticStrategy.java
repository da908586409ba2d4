package dev.quota.core.strategy;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.UsageDao;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/**
 * Optimistic concurrency: read without locking, then compare-and-set
 * ({@code UPDATE ... WHERE used_count = :seen}); on a lost race, back off with jitter and
 * try again, a bounded number of times. The retry stays inside the transaction: in READ
 * COMMITTED each new read sees the latest commit, and nothing was written by the lost CAS.
 */
public final class OptimisticStrategy implements CounterStep {

    public static final String NAME = "optimistic";

    private final RetryPolicy retries;

    public OptimisticStrategy(RetryPolicy retries) {
        this.retries = retries;
    }

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        UsageDao usage = handle.attach(UsageDao.class);
        UserKey userId = counter.userId();
        LocalDate day = counter.day().date();
        RetryPolicy.Attempts attempts = retries.start(NAME);
        while (true) {
            var seen = usage.read(userId, day);
            int used = seen.orElse(0);
            // no row, no hold: quota.reserve makes the row before it holds
            if (!Decision.fits(used, seen.isPresent() ? usage.held(userId, day) : 0, units, limit)) {
                return Decision.refused(used);
            }
            boolean won = seen.isPresent()
                    ? usage.compareAndSet(userId, day, used, used + units, limit) == 1
                    : usage.insertIfAbsent(userId, day, used + units) == 1;
            if (won) {
                return Decision.accepted(used + units);
            }
            attempts.backOff();
        }
    }
}
