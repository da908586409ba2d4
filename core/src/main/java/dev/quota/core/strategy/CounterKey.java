package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.UsageDao;
import org.jdbi.v3.core.Handle;

/** One quota counter: a user's usage on one UTC day. */
public record CounterKey(UserKey userId, QuotaDay day) {

    /**
     * Takes the transaction-scoped advisory lock of this counter. The two-int form keys it
     * on (user, day); keys fold onto 32 bits ({@link UserKey#lockFold}), which only costs a
     * little needless waiting when two fold alike, never correctness.
     */
    public void lockAdvisory(Handle handle) {
        int classId = userId.lockFold();
        int objectId = (int) day.date().toEpochDay();
        handle.attach(UsageDao.class).advisoryLock(classId, objectId);
    }

    /**
     * Takes this counter for an audited writer (an adjustment, a repair), which must not race
     * any strategy: the advisory lock, then the row lock, creating the row at 0 when the day
     * has none. Every writer locks in this order, so none deadlocks with another. Returns the
     * counter's value.
     */
    public int lock(Handle handle) {
        lockAdvisory(handle);
        return handle.attach(UsageDao.class).lockOrCreate(userId, day.date());
    }
}
