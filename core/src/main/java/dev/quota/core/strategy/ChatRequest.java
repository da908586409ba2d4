package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.RequestIds;
import dev.quota.core.UserKey;
import java.time.Instant;

/**
 * One chat message (or {@code units} of them, all or nothing) to accept for a user.
 *
 * @param mayBeRetry false when the request id was generated for this call, so it cannot have
 *                   been committed before: no replay lookups for it
 * @param sentAt     when the caller sent it; its UTC date is the quota day it counts against
 */
public record ChatRequest(UserKey userId, int units, String requestId, boolean mayBeRetry, Instant sentAt) {

    public QuotaDay day() {
        return QuotaDay.of(sentAt);
    }

    /** The counter it consumes from: its user's, on the day it was sent. */
    public CounterKey counterKey() {
        return new CounterKey(userId, day());
    }

    /** The request id of each stored message: the first keeps the caller's, so a retry collides on it. */
    public String[] requestIds() {
        return RequestIds.forUnits(requestId, units);
    }
}
