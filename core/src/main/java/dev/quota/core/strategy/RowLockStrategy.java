package dev.quota.core.strategy;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.UsageDao;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/**
 * Pessimistic locking: {@code SELECT ... FOR UPDATE} on the counter row, check in Java,
 * {@code UPDATE}. The row is created race-free first when the day has none
 * ({@link UsageDao#lockOrCreate}), so there is always a row to lock, even for the day's
 * first message.
 */
public final class RowLockStrategy implements CounterStep {

    public static final String NAME = "row-lock";

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        UsageDao usage = handle.attach(UsageDao.class);
        UserKey userId = counter.userId();
        LocalDate day = counter.day().date();
        int used = usage.lockOrCreate(userId, day);
        // after the row lock: every hold of the day committed under it is seen
        int held = usage.held(userId, day);
        return Decision.ifWithinLimit(used, held, units, limit, after -> usage.write(userId, day, after) == 1);
    }
}
