package dev.quota.core.drift;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.AdjustmentDao;
import dev.quota.core.persistence.UsageDao;
import dev.quota.core.strategy.CounterKey;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/**
 * Sets a counter back to what the log says, safely while the chat keeps consuming on it.
 * The counter is locked first (advisory, then row: the order every audited writer uses,
 * {@link CounterKey#lock}), and only then is the log counted, in a statement of its own:
 * under READ COMMITTED that statement sees every consumption that committed before the lock
 * was granted, and no other can commit on this counter until we do. So no increment is
 * lost, whatever the strategy.
 */
public final class CounterRepair {

    /** User messages of the day plus its usage adjustments, by the SQL rule: what the counter must say. */
    private static final String EXPECTED = """
            SELECT expected_usage(
                     (SELECT count(*) FROM user_messages
                       WHERE user_id = :userId
                         AND created_at >= CAST(:day AS date) AT TIME ZONE 'UTC'
                         AND created_at < (CAST(:day AS date) + 1) AT TIME ZONE 'UTC'),
                     (SELECT COALESCE(sum(applied_delta), 0) FROM quota_adjustments
                       WHERE user_id = :userId AND quota_date = :day AND kind = ANY(CAST(:usageKinds AS text[]))))
            """;

    /**
     * What a repair found on the counter it locked, and what it left there.
     *
     * @param before the counter under the lock
     * @param after  what the log says it must be: what the counter holds now
     */
    public record Repaired(int before, int after) {
        public int delta() {
            return after - before;
        }

        public boolean changed() {
            return before != after;
        }

        /** Whether a scan that read {@code usedCount} (null: no counter) and {@code expected} saw other numbers than the primary held. */
        public boolean disagreesWith(Integer usedCount, int expected) {
            return before != (usedCount == null ? 0 : usedCount) || after != expected;
        }
    }

    private CounterRepair() {
    }

    /**
     * Runs in the caller's transaction, on the primary: what it finds there under the lock
     * decides, whatever a scan (of a standby, or of a counter still moving) said. Nothing is
     * written when the counter already matches the log.
     */
    public static Repaired repair(Handle handle, UserKey userId, LocalDate day, String reason, String actor, String requestId) {
        int before = new CounterKey(userId, QuotaDay.of(day)).lock(handle);
        int expected = handle.createQuery(EXPECTED).bind("userId", userId).bind("day", day)
                .bind("usageKinds", AdjustmentKind.usageChangingCodes()).mapTo(Integer.class).one();
        Repaired repaired = new Repaired(before, expected);
        if (repaired.changed()) {
            handle.attach(UsageDao.class).write(userId, day, expected);
            handle.attach(AdjustmentDao.class).insert(userId, day, AdjustmentKind.RECONCILE.code(), expected, repaired.delta(),
                    reason, actor, requestId);
        }
        return repaired;
    }
}
