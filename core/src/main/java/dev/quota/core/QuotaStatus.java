package dev.quota.core;

import java.time.Instant;

/**
 * A user's quota for one day, as support staff and the chat front end see it.
 *
 * @param limit     the effective limit: the plan's daily limit plus the day's grants
 * @param consumed  the counter ({@code used_count})
 * @param remaining what is left, never negative even if the counter is above the limit
 */
public record QuotaStatus(
        long userId,
        String email,
        QuotaDay day,
        String planCode,
        int planLimit,
        int granted,
        int limit,
        int consumed,
        int remaining,
        Instant resetAt) {

    /** Derives limit, remaining and reset_at from the stored facts, by the product's rules. */
    public static QuotaStatus of(long userId, String email, QuotaDay day, String planCode,
                                 int planLimit, int granted, int consumed) {
        int limit = effectiveLimit(planLimit, granted);
        return new QuotaStatus(userId, email, day, planCode, planLimit, granted, limit, consumed,
                remaining(limit, consumed), day.resetAt());
    }

    /** The plan's limit plus the grants of the day; saturates instead of overflowing. */
    public static int effectiveLimit(int planLimit, long granted) {
        long limit = (long) planLimit + granted;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, limit));
    }

    public static int remaining(int limit, int consumed) {
        return Math.max(0, limit - consumed);
    }

    public boolean exhausted() {
        return remaining == 0;
    }

    public QuotaStatus withConsumed(int newConsumed) {
        return of(userId, email, day, planCode, planLimit, granted, newConsumed);
    }

    public QuotaStatus withGranted(int newGranted) {
        return of(userId, email, day, planCode, planLimit, newGranted, consumed);
    }
}
