package dev.quota.core.strategy;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.UsageDao;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/**
 * {@code pg_advisory_xact_lock} keyed on (user, day), then a plain read-check-write. The
 * lock serializes the counter without locking a row first, so it also covers the day's
 * first call. The read must be a statement of its own, after the lock: in READ COMMITTED a
 * statement's snapshot is taken when it starts, so a read in the same statement as the
 * lock could miss the commit it waited for.
 */
public final class AdvisoryLockStrategy implements CounterStep {

    public static final String NAME = "advisory";

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        UsageDao usage = handle.attach(UsageDao.class);
        UserKey userId = counter.userId();
        LocalDate day = counter.day().date();
        counter.lockAdvisory(handle);
        int used = usage.read(userId, day).orElse(0);
        // holds are taken under the row lock, not the advisory one: the write checks them again under the row's
        return Decision.ifWithinLimit(used, usage.held(userId, day), units, limit,
                after -> usage.upsertWithinLimit(userId, day, after, limit).isPresent());
    }
}
